import { describe, expect, it } from 'vitest';
import { csvCell, toCsv, UTF8_BOM } from './to-csv.ts';

describe('CSV for spreadsheets', () => {
  it('starts with a UTF-8 byte-order mark and ends every row with CRLF', () => {
    const csv = toCsv(['事项', '责任单位'], [['R1', '区住建局']]);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv).toBe(`${UTF8_BOM}事项,责任单位\r\nR1,区住建局\r\n`);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    for (const attack of [
      '=HYPERLINK("http://x","y")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '＝1+1',
      '＋1',
    ]) {
      const cell = csvCell(attack);
      expect(cell.replace(/^"/, '').startsWith("'"), attack).toBe(true);
    }
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });

  it('keeps numbers as numbers, negative ones included, and ordinary text as it is', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(0.85)).toBe('0.85');
    expect(csvCell('电梯 3号楼')).toBe('电梯 3号楼');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('他说"好"')).toBe('"他说""好"""');
    expect(csvCell('第一行\n第二行')).toBe('"第一行\n第二行"');
  });
});
