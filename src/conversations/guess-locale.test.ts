import { describe, expect, it } from 'vitest';
import { guessLocale } from './guess-locale.ts';

describe('guessLocale', () => {
  it.each([
    ['满意', 'zh-CN'],
    ['电梯坏了三天了，请尽快修理', 'zh-CN'],
    ['支持加装电梯', 'zh-CN'],
    ['这个议题我反对', 'zh-CN'],
    ['滿意', 'zh-HK'],
    ['電梯壞了三天了，請盡快修理', 'zh-HK'],
    ['這個議題我反對', 'zh-HK'],
    ['部電梯成日壞，唔該幫手', 'zh-HK'],
    ['佢哋冇嚟開會', 'zh-HK'],
    ['The lift has been broken for three days', 'en'],
    ['Please fix the lights', 'en'],
    ['The lift at 3号楼 is broken again', 'en'],
    ['very satisfied', 'en'],
    ['满意 thanks', 'zh-CN'],
    ['T23 支持', 'zh-CN'],
    ['T23 支持，這個議題很好', 'zh-HK'],
  ] as const)('reads %j as %s', (text, locale) => {
    expect(guessLocale(text)).toBe(locale);
  });

  it('counts the script that dominates when a message mixes both', () => {
    // One Traditional form among Simplified ones is a typo, not a Hong Kong writer.
    expect(guessLocale('這个议题我们都支持，说好了')).toBe('zh-CN');
    expect(guessLocale('这個議題我們都支持，說好了')).toBe('zh-HK');
  });

  it('treats Han characters shared by both scripts as Simplified, the default', () => {
    expect(guessLocale('支持')).toBe('zh-CN');
    expect(guessLocale('梯')).toBe('zh-CN');
  });

  it.each(['', '   ', '1', '１２', '👍😊', '?', 'OK', 'ok', 'TD', 'T23', 'y', '#23'])(
    'gives no guess for %j, which carries no evidence of a language',
    (text) => {
      expect(guessLocale(text)).toBeUndefined();
    },
  );
});
