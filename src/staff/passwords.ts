/**
 * Staff passwords: Argon2id hashes (OWASP's minimum parameters) and the minimum password policy.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 12;
/** Bounds the hashing work an attacker can ask for with one request. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * OWASP's recommended floor for Argon2id: 19 MiB, 2 passes, 1 lane. `@node-rs/argon2` defaults to
 * Argon2id; the algorithm is not named here because its const enum cannot cross isolated modules.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const CHARACTER_CLASSES: RegExp[] = [
  /\p{Ll}/u, // lower-case letters
  /\p{Lu}/u, // upper-case letters
  /\p{Nd}/u, // digits
  /[\p{Lo}\p{Lm}\p{Lt}]/u, // letters without case, e.g. Chinese characters
  /[^\p{L}\p{Nd}]/u, // symbols, punctuation, spaces
];

/** How many different kinds of character a password mixes. */
export function characterClassCount(password: string): number {
  return CHARACTER_CLASSES.filter((re) => re.test(password)).length;
}

/**
 * The minimum password policy: at least 12 characters, not all of one kind (letters, digits,
 * symbols…). Messages are i18n keys in the `staff` namespace.
 */
export const passwordSchema = z
  .string({ error: 'staff:password.required' })
  .min(1, { error: 'staff:password.required' })
  .min(PASSWORD_MIN_LENGTH, { error: 'staff:password.tooShort' })
  .max(PASSWORD_MAX_LENGTH, { error: 'staff:password.tooLong' })
  .refine((p) => characterClassCount(p) >= 2, { error: 'staff:password.oneClass' });

/** An Argon2id PHC string for the password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** True when the password matches the hash; false for a wrong password or an unreadable hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

const GENERATED_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A strong random password (20 characters, about 116 bits) that satisfies the policy. Ambiguous
 * characters (0/O, 1/l/I) are left out because it is read off a screen and typed by hand.
 */
export function generatePassword(length = 20): string {
  for (;;) {
    const bytes = randomBytes(length * 2);
    let out = '';
    for (const byte of bytes) {
      // Rejection sampling keeps every character equally likely.
      if (byte >= 256 - (256 % GENERATED_ALPHABET.length)) continue;
      out += GENERATED_ALPHABET[byte % GENERATED_ALPHABET.length];
      if (out.length === length) break;
    }
    if (out.length === length && characterClassCount(out) >= 3) return out;
  }
}
