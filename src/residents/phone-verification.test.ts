import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { deliveries, phoneVerifications, residents } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import type { MessageSender, Senders } from '../outreach/sender.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { confirmPhoneVerification } from './confirm-phone-verification.ts';
import { setChannelOptOut } from './set-channel-opt-out.ts';
import {
  MAX_CODE_ATTEMPTS,
  startPhoneVerification,
  VERIFICATION_CODE_TTL_MS,
} from './start-phone-verification.ts';

let database: TestDatabase;
const i18n = getI18n();
const noSenders = { senders: undefined, i18n };

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.close();
});

let counter = 0;
/** A distinct valid mainland mobile number per test. */
function mobile(): string {
  counter += 1;
  return `1380013${String(8100 + counter).padStart(4, '0')}`;
}

async function codeOf(verificationId: string): Promise<string> {
  const [row] = await database.db
    .select({ body: deliveries.body })
    .from(deliveries)
    .where(eq(deliveries.purpose, `phone-verification:${verificationId}`));
  return /\d{6}/.exec(row!.body)![0];
}

function wrong(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('startPhoneVerification', () => {
  it('stores only the hash of the code and the ciphertext and blind index of the number', async () => {
    const ctx = createTestCtx(database.db);
    const phone = mobile();
    const started = await startPhoneVerification(ctx, { phone, locale: 'zh-CN' }, noSenders);
    const [row] = await database.db
      .select()
      .from(phoneVerifications)
      .where(eq(phoneVerifications.id, started.verificationId));
    const code = await codeOf(started.verificationId);
    expect(code).toMatch(/^\d{6}$/);
    expect(row!.phoneHash).toBe(ctx.pii.phoneHash(`+86${phone}`));
    expect(ctx.pii.decryptPhone(row!.phoneCipher)).toBe(`+86${phone}`);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(phone);
    expect(stored).not.toContain(code);
    expect(row!.expiresAt.getTime() - ctx.clock.now().getTime()).toBe(VERIFICATION_CODE_TTL_MS);
  });

  it('sends the code through the outbox, held there when no SMS sender is configured', async () => {
    const ctx = createTestCtx(database.db);
    const started = await startPhoneVerification(ctx, { phone: mobile(), locale: 'en' }, noSenders);
    const [delivery] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.id, started.deliveryId));
    expect(delivery).toMatchObject({ channel: 'sms', status: 'held_no_credentials', locale: 'en' });
    expect(delivery!.body).toMatch(/Your code is \d{6}\. It works for 10 minutes\..*Reply TD to stop\./);
  });

  it('queues the code for sending when an SMS sender exists', async () => {
    const ctx = createTestCtx(database.db);
    const sender: MessageSender = { send: async () => ({ ok: true, providerId: 'SM1' }) };
    const senders: Senders = { sms: sender };
    const started = await startPhoneVerification(
      ctx,
      { phone: mobile(), locale: 'zh-HK' },
      { senders, i18n },
    );
    expect(started.deliveryStatus).toBe('queued');
  });

  it('refuses what is not a phone number', async () => {
    const ctx = createTestCtx(database.db);
    const error = await rejection(
      startPhoneVerification(ctx, { phone: '12345', locale: 'zh-CN' }, noSenders),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.fields).toEqual([
      expect.objectContaining({ field: 'phone', key: 'site:verification.invalidPhone' }),
    ]);
  });

  it('sends at most three codes to one number in an hour, then again after the hour', async () => {
    const ctx = createTestCtx(database.db);
    const phone = mobile();
    for (let i = 0; i < 3; i += 1) {
      await startPhoneVerification(ctx, { phone, locale: 'zh-CN' }, noSenders);
      ctx.clock.advance(60_000);
    }
    const error = await rejection(startPhoneVerification(ctx, { phone, locale: 'zh-CN' }, noSenders));
    expect(error.code).toBe('rate_limited');
    expect(error.params.minutes).toBe(57);
    const rows = await database.db
      .select()
      .from(phoneVerifications)
      .where(eq(phoneVerifications.phoneHash, ctx.pii.phoneHash(`+86${phone}`)));
    expect(rows).toHaveLength(3);

    ctx.clock.advance(57 * 60_000 + 1000);
    await expect(startPhoneVerification(ctx, { phone, locale: 'zh-CN' }, noSenders)).resolves.toBeDefined();
  });

  it('counts a resent code towards the hourly limit of its number', async () => {
    const ctx = createTestCtx(database.db);
    const first = await startPhoneVerification(ctx, { phone: mobile(), locale: 'zh-CN' }, noSenders);
    const second = await startPhoneVerification(
      ctx,
      { resendFor: first.verificationId, locale: 'zh-CN' },
      noSenders,
    );
    const third = await startPhoneVerification(
      ctx,
      { resendFor: second.verificationId, locale: 'zh-CN' },
      noSenders,
    );
    const error = await rejection(
      startPhoneVerification(ctx, { resendFor: third.verificationId, locale: 'zh-CN' }, noSenders),
    );
    expect(error.code).toBe('rate_limited');
  });

  it('sends nothing to a number that opted out of SMS, and keeps nothing', async () => {
    const ctx = createTestCtx(database.db);
    const phone = mobile();
    const first = await startPhoneVerification(ctx, { phone, locale: 'zh-CN' }, noSenders);
    const { residentId } = await confirmPhoneVerification(ctx, {
      verificationId: first.verificationId,
      code: await codeOf(first.verificationId),
    });
    await setChannelOptOut(ctx, { residentId, channel: 'sms', optedOut: true, reason: 'reply:TD' });
    const error = await rejection(startPhoneVerification(ctx, { phone, locale: 'zh-CN' }, noSenders));
    expect(error.code).toBe('opted_out');
    const rows = await database.db
      .select()
      .from(phoneVerifications)
      .where(eq(phoneVerifications.phoneHash, ctx.pii.phoneHash(`+86${phone}`)));
    expect(rows).toHaveLength(1);
  });
});

describe('confirmPhoneVerification', () => {
  it('proves the number with the right code and returns its resident', async () => {
    const ctx = createTestCtx(database.db);
    const phone = mobile();
    const started = await startPhoneVerification(ctx, { phone, locale: 'zh-HK' }, noSenders);
    const verified = await confirmPhoneVerification(ctx, {
      verificationId: started.verificationId,
      code: await codeOf(started.verificationId),
    });
    const [resident] = await database.db
      .select()
      .from(residents)
      .where(eq(residents.id, verified.residentId));
    expect(resident!.phoneHash).toBe(ctx.pii.phoneHash(`+86${phone}`));
    expect(verified.phoneHash).toBe(resident!.phoneHash);
    const [row] = await database.db
      .select()
      .from(phoneVerifications)
      .where(eq(phoneVerifications.id, started.verificationId));
    expect(row!.verifiedAt).toEqual(ctx.clock.now());
  });

  it('accepts the code typed with spaces or full-width digits', async () => {
    const ctx = createTestCtx(database.db);
    const started = await startPhoneVerification(ctx, { phone: mobile(), locale: 'zh-CN' }, noSenders);
    const code = await codeOf(started.verificationId);
    const fullWidth = `${code.slice(0, 3)} ${code.slice(3)}`.replace(/\d/g, (d) =>
      String.fromCharCode(d.charCodeAt(0) + 0xfee0),
    );
    await expect(
      confirmPhoneVerification(ctx, { verificationId: started.verificationId, code: fullWidth }),
    ).resolves.toMatchObject({ residentId: expect.any(String) });
  });

  it('answers a second confirmation with the same code alike (a form sent twice)', async () => {
    const ctx = createTestCtx(database.db);
    const started = await startPhoneVerification(ctx, { phone: mobile(), locale: 'zh-CN' }, noSenders);
    const code = await codeOf(started.verificationId);
    const first = await confirmPhoneVerification(ctx, { verificationId: started.verificationId, code });
    const second = await confirmPhoneVerification(ctx, { verificationId: started.verificationId, code });
    expect(second).toEqual(first);
  });

  it('counts wrong codes, says how many tries are left, and after five needs a new code', async () => {
    const ctx = createTestCtx(database.db);
    const started = await startPhoneVerification(ctx, { phone: mobile(), locale: 'zh-CN' }, noSenders);
    const code = await codeOf(started.verificationId);
    for (let attempt = 1; attempt < MAX_CODE_ATTEMPTS; attempt += 1) {
      const error = await rejection(
        confirmPhoneVerification(ctx, { verificationId: started.verificationId, code: wrong(code) }),
      );
      expect(error.messageKey).toBe('site:verification.wrongCode');
      expect(error.params.remaining).toBe(MAX_CODE_ATTEMPTS - attempt);
    }
    const fifth = await rejection(
      confirmPhoneVerification(ctx, { verificationId: started.verificationId, code: wrong(code) }),
    );
    expect(fifth).toMatchObject({ code: 'rate_limited', messageKey: 'site:verification.tooManyAttempts' });
    // Even the right code no longer works.
    const after = await rejection(
      confirmPhoneVerification(ctx, { verificationId: started.verificationId, code }),
    );
    expect(after.messageKey).toBe('site:verification.tooManyAttempts');
    const [row] = await database.db
      .select()
      .from(phoneVerifications)
      .where(eq(phoneVerifications.id, started.verificationId));
    expect(row).toMatchObject({ attempts: MAX_CODE_ATTEMPTS, verifiedAt: null });
  });

  it('counts the attempts of concurrent guesses exactly', async () => {
    const ctx = createTestCtx(database.db);
    const started = await startPhoneVerification(ctx, { phone: mobile(), locale: 'zh-CN' }, noSenders);
    const code = await codeOf(started.verificationId);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        confirmPhoneVerification(ctx, { verificationId: started.verificationId, code: wrong(code) }),
      ),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const [row] = await database.db
      .select()
      .from(phoneVerifications)
      .where(eq(phoneVerifications.id, started.verificationId));
    expect(row!.attempts).toBe(MAX_CODE_ATTEMPTS);
  });

  it('refuses a code after ten minutes', async () => {
    const ctx = createTestCtx(database.db);
    const started = await startPhoneVerification(ctx, { phone: mobile(), locale: 'zh-CN' }, noSenders);
    const code = await codeOf(started.verificationId);
    ctx.clock.advance(VERIFICATION_CODE_TTL_MS);
    const error = await rejection(
      confirmPhoneVerification(ctx, { verificationId: started.verificationId, code }),
    );
    expect(error.messageKey).toBe('site:verification.expired');
  });

  it('voids an earlier code once a newer one is sent', async () => {
    const ctx = createTestCtx(database.db);
    const phone = mobile();
    const first = await startPhoneVerification(ctx, { phone, locale: 'zh-CN' }, noSenders);
    const second = await startPhoneVerification(
      ctx,
      { resendFor: first.verificationId, locale: 'zh-CN' },
      noSenders,
    );
    const stale = await rejection(
      confirmPhoneVerification(ctx, {
        verificationId: first.verificationId,
        code: await codeOf(first.verificationId),
      }),
    );
    expect(stale.messageKey).toBe('site:verification.expired');
    await expect(
      confirmPhoneVerification(ctx, {
        verificationId: second.verificationId,
        code: await codeOf(second.verificationId),
      }),
    ).resolves.toBeDefined();
  });

  it('tells a missing, malformed or unknown code apart without counting them as attempts', async () => {
    const ctx = createTestCtx(database.db);
    const started = await startPhoneVerification(ctx, { phone: mobile(), locale: 'zh-CN' }, noSenders);
    const id = started.verificationId;
    expect(
      (await rejection(confirmPhoneVerification(ctx, { verificationId: id, code: '' }))).messageKey,
    ).toBe('site:verification.codeMissing');
    expect(
      (await rejection(confirmPhoneVerification(ctx, { verificationId: id, code: '12ab' }))).messageKey,
    ).toBe('site:verification.codeFormat');
    const unknown = await rejection(
      confirmPhoneVerification(ctx, { verificationId: crypto.randomUUID(), code: '123456' }),
    );
    expect(unknown.messageKey).toBe('site:verification.notFound');
    const [row] = await database.db.select().from(phoneVerifications).where(eq(phoneVerifications.id, id));
    expect(row!.attempts).toBe(0);
  });
});
