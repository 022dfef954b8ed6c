/**
 * How carriers count an SMS: GSM 03.38 7-bit when every character is in the default alphabet
 * (160 per single message, 153 per part), otherwise UCS-2 (70, or 67 per part) in UTF-16 units.
 */
import type { SmsSegmentCount } from './interpretation.ts';

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// Sent as an escape plus the character, so each takes two septets.
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

const GSM_SINGLE = 160;
const GSM_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/** Parts needed when no character may be split across two parts (escapes, surrogate pairs). */
function packParts(widths: number[], perPart: number): number {
  let parts = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > perPart) {
      parts++;
      used = 0;
    }
    used += w;
  }
  return parts;
}

/** The encoding, size and number of parts an SMS body will be sent as. Empty text is 0 parts. */
export function countSmsSegments(text: string): SmsSegmentCount {
  const chars = [...text];
  const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  const widths = gsm ? chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1)) : chars.map((c) => c.length);
  const units = widths.reduce((sum, w) => sum + w, 0);
  const [single, part] = gsm ? [GSM_SINGLE, GSM_PART] : [UCS2_SINGLE, UCS2_PART];
  const segments = units === 0 ? 0 : units <= single ? 1 : packParts(widths, part);
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments };
}

/** Whether the text goes out in at most `max` parts. */
export function fitsSegments(text: string, max: number): boolean {
  return countSmsSegments(text).segments <= max;
}
