import { describe, expect, it } from 'vitest';
import {
  characterClassCount,
  generatePassword,
  hashPassword,
  passwordSchema,
  verifyPassword,
} from './passwords.ts';

describe('password policy', () => {
  it('refuses passwords shorter than 12 characters, naming the minimum', () => {
    const result = passwordSchema.safeParse('Abc123!xyz');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ message: 'staff:password.tooShort', minimum: 12 });
  });

  it('refuses long passwords made of one kind of character', () => {
    for (const p of ['abcdefghijklmnop', '123456789012345', '民生议事堂民生议事堂民生议', '!!!!!!!!!!!!!!']) {
      const result = passwordSchema.safeParse(p);
      expect(result.success, p).toBe(false);
      expect(
        result.error?.issues.map((i) => i.message),
        p,
      ).toContain('staff:password.oneClass');
    }
  });

  it('accepts 12+ characters that mix kinds, including Chinese with digits', () => {
    for (const p of ['abcdefghijk1', 'correct horse battery', '民生议事堂2026年十二月好']) {
      expect(passwordSchema.safeParse(p).success, p).toBe(true);
    }
  });

  it('generates passwords that pass the policy and differ each time', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a).not.toBe(b);
    expect(a).toHaveLength(20);
    expect(passwordSchema.safeParse(a).success).toBe(true);
    expect(characterClassCount(a)).toBeGreaterThanOrEqual(3);
  });
});

describe('password hashing', () => {
  it('stores an Argon2id hash that verifies only the right password', async () => {
    const hash = await hashPassword('correct horse 42');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword(hash, 'correct horse 42')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse 43')).toBe(false);
  });

  it('treats an unreadable hash as a failed check, not a crash', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false);
  });
});
