import { findPhoneNumbersInText } from 'libphonenumber-js/max';

export const PHONE_PLACEHOLDER = '[phone]';

/**
 * Free text with every phone number in it replaced by a placeholder, so that a number a resident
 * types into a message is not stored in plaintext. Text without numbers comes back unchanged.
 */
export function redactPhoneNumbers(text: string): string {
  const normalised = text.normalize('NFKC');
  const found = findPhoneNumbersInText(normalised, 'CN');
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const match of found) {
    out += normalised.slice(at, match.startsAt) + PHONE_PLACEHOLDER;
    at = match.endsAt;
  }
  return out + normalised.slice(at);
}
