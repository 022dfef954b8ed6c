import { describe, expect, it } from 'vitest';
import { PHONE_PLACEHOLDER, redactPhoneNumbers } from './redact-phone-numbers.ts';

describe('redactPhoneNumbers', () => {
  it.each([
    ['请回电13800138000谢谢', `请回电${PHONE_PLACEHOLDER}谢谢`],
    ['call +86 138 0013 8000 now', `call ${PHONE_PLACEHOLDER} now`],
    ['我的电话是138-0013-8000', `我的电话是${PHONE_PLACEHOLDER}`],
    ['１３８００１３８０００', PHONE_PLACEHOLDER],
    ['电话0755-83211234', `电话${PHONE_PLACEHOLDER}`],
  ])('hides the number in %j', (text, expected) => {
    expect(redactPhoneNumbers(text)).toBe(expected);
  });

  it.each(['3栋1201室漏水', '2026-11-27 开会', 'T23 支持', 'Ｔ２３　支持'])(
    'leaves %j exactly as written',
    (text) => {
      expect(redactPhoneNumbers(text)).toBe(text);
    },
  );
});
