/**
 * What the kiosk verbs share: the device's public shape, its secret token and how that token is
 * stored (only a SHA-256 hash), and who may manage devices.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { type FieldProblem, ServiceError } from '../core/errors.ts';
import type { kioskDevices, LocalizedText, StaffRole } from '../db/schema.ts';

/** Staff who may register, list and deactivate kiosks. */
export const KIOSK_MANAGER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary'];

export interface KioskDevice {
  id: string;
  label: string;
  location: LocalizedText;
  communityId: string | null;
  active: boolean;
  lastSeenAt: Date | null;
  createdAt: Date;
}

/** Everything but the token hash. */
export function toKioskDevice(row: typeof kioskDevices.$inferSelect): KioskDevice {
  return {
    id: row.id,
    label: row.label,
    location: row.location,
    communityId: row.communityId,
    active: row.active,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
  };
}

// Crockford's base32: no I, L, O or U, so a token read off a screen and typed on another is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TOKEN_CHARS = 24;

/**
 * A new device token: 120 random bits as 24 base32 characters in groups of four, short enough to
 * type on a kiosk's touch keyboard once.
 */
export function newKioskToken(): string {
  const bytes = randomBytes(TOKEN_CHARS);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out.match(/.{4}/g)?.join('-') ?? out;
}

/** The token as typed, canonicalised: case, spaces and dashes ignored, look-alike letters folded. */
export function normaliseKioskToken(typed: string): string {
  return typed
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/**
 * What is stored: SHA-256 of the canonical token. A plain hash suffices because the token is random
 * and long; a slow password hash would cost on every kiosk request for no gain.
 */
export function hashKioskToken(typed: string): string {
  return createHash('sha256')
    .update(`kiosk-token-v1:${normaliseKioskToken(typed)}`)
    .digest('hex');
}

/** Turns a zod failure into `validation_failed` with one problem per field (schema messages are keys). */
export function invalidKioskInput(error: z.ZodError): ServiceError {
  const fields: FieldProblem[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    if (fields.some((f) => f.field === field)) continue;
    const params: Record<string, string | number> = {};
    if ('maximum' in issue && typeof issue.maximum === 'number') params.maximum = issue.maximum;
    fields.push({
      field,
      key: issue.message.startsWith('kiosk:') ? issue.message : 'kiosk:errors.invalid',
      params,
    });
  }
  return new ServiceError('validation_failed', 'kiosk:errors.validation', { fields });
}

/** Whether a string can be a database UUID (otherwise the database would reject the query outright). */
export function looksLikeUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
