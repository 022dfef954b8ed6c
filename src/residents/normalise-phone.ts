import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number as typed or as a provider sent it, in E.164, or undefined when it is not a valid number.
 * Numbers without a country code are read as mainland Chinese.
 */
export function normalisePhone(raw: string, defaultCountry: 'CN' | 'HK' = 'CN'): string | undefined {
  const cleaned = raw.normalize('NFKC').trim();
  if (!cleaned) return undefined;
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry);
  if (!parsed?.isValid()) return undefined;
  return parsed.number;
}
