/**
 * A signature drawn on screen, kept as SVG path data in a fixed 1000 × 400 box: only move-to and
 * line-to commands with whole-number coordinates, so what is stored can be drawn again safely and
 * nothing else can hide in it.
 */
export const SIGNATURE_WIDTH = 1000;
export const SIGNATURE_HEIGHT = 400;
export const SIGNATURE_MAX_LENGTH = 40_000;

const COMMAND = /^([ML])(\d{1,4}) (\d{1,4})$/;

/** The path data normalised (single spaces), or undefined when it is not a drawable signature. */
export function parseSignaturePath(raw: string): string | undefined {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (!text || text.length > SIGNATURE_MAX_LENGTH) return undefined;
  const parts = text.split(/ (?=[ML])/);
  let points = 0;
  for (const [index, part] of parts.entries()) {
    const match = COMMAND.exec(part);
    if (!match) return undefined;
    if (index === 0 && match[1] !== 'M') return undefined;
    const x = Number(match[2]);
    const y = Number(match[3]);
    if (x > SIGNATURE_WIDTH || y > SIGNATURE_HEIGHT) return undefined;
    points += 1;
  }
  // A tap is not a signature.
  return points >= 3 ? text : undefined;
}
