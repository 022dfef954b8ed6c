import { describe, expect, it } from 'vitest';
import { getI18n } from '../i18n/i18n.ts';
import { applyReadBack, readBackTemplates, sameReadBack } from './read-back.ts';
import { parseSignaturePath } from './signature-path.ts';

const zh = getI18n().forLocale('zh-CN');
const hk = getI18n().forLocale('zh-HK');
const en = getI18n().forLocale('en');
const opinion = { kind: 'opinion', topicCode: 'T23', topicTitle: '3号楼加装电梯' } as const;

describe('the read-back', () => {
  it('says the stance and the resident’s words, in the resident’s language', () => {
    expect(applyReadBack(readBackTemplates(zh, opinion), { choice: 'support', text: ' 早点装 ' })).toBe(
      '您支持议题T23《3号楼加装电梯》。\n您的原话：早点装',
    );
    expect(applyReadBack(readBackTemplates(hk, opinion), { choice: 'oppose' })).toBe(
      '您反對議題T23《3号楼加装电梯》。',
    );
    expect(
      applyReadBack(readBackTemplates(en, { kind: 'need' }), { text: 'Broken light', place: 'Block 5' }),
    ).toBe('You report a problem or need.\nIn your words: Broken light\nWhere: Block 5');
  });

  it('puts words containing the markers in as they are', () => {
    expect(
      applyReadBack(readBackTemplates(zh, opinion), { choice: 'suggestion', text: '{text} $& {place}' }),
    ).toBe('您对议题T23《3号楼加装电梯》提出建议。\n您的原话：{text} $& {place}');
  });

  it('starts a correction by saying so, and knows no choice it was not given', () => {
    expect(applyReadBack(readBackTemplates(zh, opinion, { correction: true }), { choice: 'support' })).toBe(
      '这是对之前一条记录的更正。\n您支持议题T23《3号楼加装电梯》。',
    );
    expect(applyReadBack(readBackTemplates(zh, opinion), { choice: 'maybe' })).toBeUndefined();
  });

  it('compares two read-backs ignoring line endings and trailing spaces only', () => {
    expect(sameReadBack('a\nb', 'a \r\nb\r\n')).toBe(true);
    expect(sameReadBack('a\nb', 'a\nc')).toBe(false);
  });
});

describe('signature path data', () => {
  it.each([
    ['M10 10 L20 20 L30 25', 'M10 10 L20 20 L30 25'],
    ['M10 10  L20 20\nL30 25 M40 40 L50 50', 'M10 10 L20 20 L30 25 M40 40 L50 50'],
  ])('keeps %j', (raw, kept) => {
    expect(parseSignaturePath(raw)).toBe(kept);
  });
  it.each([
    '',
    'M1 1',
    'L1 1 L2 2 L3 3',
    'M1 1 L2 2 Z',
    'M1 1 L2 2 L3 3"/><script>',
    'M1 1 L2000 2 L3 3',
    'M-1 1 L2 2 L3 3',
  ])('refuses %j', (raw) => {
    expect(parseSignaturePath(raw)).toBeUndefined();
  });
});
