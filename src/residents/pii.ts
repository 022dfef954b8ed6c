/**
 * Personal data protection: phone numbers are stored only as AES-256-GCM ciphertext and found by an
 * HMAC blind index. Both keys are derived from PII_KEY with HKDF so one secret serves both purposes
 * without reusing a key across algorithms.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface Pii {
  /** Ciphertext of an E.164 number, safe to store. */
  encryptPhone(e164: string): string;
  decryptPhone(cipherText: string): string;
  /** Deterministic keyed hash of an E.164 number: equal numbers, equal hashes; not reversible without the key. */
  phoneHash(e164: string): string;
  /** Keyed hash of any other identifier (a client address for throttling, say). */
  opaqueHash(value: string): string;
}

function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `yishitang-gateway:${purpose}`, 32));
}

export function decodePiiKey(encoded: string): Buffer {
  const key = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length < 32) throw new Error('PII_KEY must decode to at least 32 bytes');
  return key;
}

export function generatePiiKey(): string {
  return randomBytes(32).toString('base64');
}

export function createPii(encodedKey: string): Pii {
  const master = decodePiiKey(encodedKey);
  const encKey = deriveKey(master, 'phone-encryption');
  const indexKey = deriveKey(master, 'phone-index');
  const opaqueKey = deriveKey(master, 'opaque-index');
  return {
    encryptPhone(e164) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const data = Buffer.concat([cipher.update(e164, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        data.toString('base64url'),
      ].join('.');
    },
    decryptPhone(cipherText) {
      const [version, iv, tag, data] = cipherText.split('.');
      if (version !== 'v1' || !iv || !tag || !data) throw new Error('unrecognised phone ciphertext');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
    phoneHash(e164) {
      return createHmac('sha256', indexKey).update(e164).digest('base64url');
    },
    opaqueHash(value) {
      return createHmac('sha256', opaqueKey).update(value).digest('base64url');
    },
  };
}
