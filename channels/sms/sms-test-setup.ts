/**
 * The app under test for the SMS inbound route tests, and ways to talk to it as a resident would.
 * Test-only.
 */
import { count, eq } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';
import type { Ctx } from '../../src/core/context.ts';
import { intakes, residents } from '../../src/db/schema.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import { SMS_INBOUND_PATH } from './sms-inbound-app.ts';
import {
  newMessageSid,
  postSignedWebhook,
  smsWebhookParams,
  twilioTestEnv,
  twimlMessages,
} from './twilio-test-kit.ts';

export interface SmsHarness {
  deps: TestAppDeps;
  app: ReturnType<typeof createApp>;
  ctx(): Ctx;
  /** Sends an SMS from `from` through the signed webhook; resolves with status, TwiML and replies. */
  send(
    from: string,
    body: string,
    options?: { messageSid?: string; extra?: Record<string, string> },
  ): Promise<{ status: number; xml: string; replies: string[]; contentType: string | null }>;
  /** Intakes and residents stored so far, to show that a refused request stored nothing. */
  stored(): Promise<{ intakes: number; residents: number }>;
}

export function createSmsHarness(
  database: TestDatabase,
  env: Record<string, string> = twilioTestEnv(),
): SmsHarness {
  const deps = createTestAppDeps(database, { env });
  const app = createApp(deps);
  return {
    deps,
    app,
    ctx: () => ({
      actor: { type: 'system', job: 'test' },
      db: deps.database.db,
      clock: deps.clock,
      log: deps.log,
      pii: deps.pii,
    }),
    async send(from, body, options = {}) {
      const params = smsWebhookParams({
        from,
        body,
        messageSid: options.messageSid ?? newMessageSid(),
        ...(options.extra ? { extra: options.extra } : {}),
      });
      const res = await postSignedWebhook(app, { path: SMS_INBOUND_PATH, params });
      const xml = await res.text();
      return {
        status: res.status,
        xml,
        replies: twimlMessages(xml),
        contentType: res.headers.get('content-type'),
      };
    },
    async stored() {
      const [i] = await database.db.select({ n: count() }).from(intakes);
      const [r] = await database.db.select({ n: count() }).from(residents);
      return { intakes: i?.n ?? 0, residents: r?.n ?? 0 };
    },
  };
}

/** The intakes stored for one message id. */
export function intakesFor(database: TestDatabase, messageSid: string) {
  return database.db.select().from(intakes).where(eq(intakes.externalId, messageSid));
}
