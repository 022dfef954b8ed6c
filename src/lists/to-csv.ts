/**
 * CSV for spreadsheets (RFC 4180, CRLF line ends) that opens correctly in Excel: a UTF-8 byte-order
 * mark so Chinese text is not read as the ANSI code page, and text cells that a spreadsheet would run
 * as a formula (starting = + - @, a tab or a carriage return, or their full-width forms) prefixed
 * with an apostrophe, as OWASP recommends against CSV injection.
 */

export type CsvCell = string | number | boolean | null | undefined;

export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers as they are, text defused and quoted when needed, nothing for null. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole file: the byte-order mark, the header row and one row per record. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
