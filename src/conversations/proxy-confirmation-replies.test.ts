/**
 * Replies to "属实回1，有误回2" (a proxied record awaiting its resident's confirmation) go through the
 * ordinary SMS reply handling: this file keeps that branch honest while the handler is reshaped.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioTestEnv } from '../../channels/sms/twilio-test-kit.ts';
import { parseConfig } from '../config.ts';
import type { Ctx } from '../core/context.ts';
import { silentLogger } from '../core/logger.ts';
import { proxyConfirmations } from '../db/schema.ts';
import { endProxyVisit } from '../proxy/end-proxy-visit.ts';
import {
  newCommunity,
  newResident,
  newStaffMember,
  proxyEnv,
  submitRecord,
  visitFor,
} from '../proxy/proxy-test-kit.ts';
import { configuredSenders } from '../runtime/run-process.ts';
import { createTestCtx, TEST_PII_KEY } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { newTopic } from './conversation-test-kit.ts';
import { getPendingPrompt } from './get-pending-prompt.ts';
import { handleSmsReply } from './handle-sms-reply.ts';

let database: TestDatabase;
let system: ReturnType<typeof createTestCtx>;
let writer: Ctx;
let communityId: string;
let counter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  system = createTestCtx(database.db);
  communityId = (await newCommunity(database.db)).id;
  const member = await newStaffMember(system, ['grid_worker'], { communityIds: [communityId] });
  writer = { ...member.ctx, clock: system.clock };
});

afterAll(async () => {
  await database.close();
});

/** A record written for a resident with a phone; its SMS confirmation is pending (no sender needed). */
async function pendingRecord() {
  const topic = await newTopic(database.db, 'published');
  const resident = await newResident(system, { communityId });
  const visit = await visitFor(writer, resident.id);
  const { record } = await submitRecord(
    writer,
    visit,
    { kind: 'opinion', topic: topic.code, choice: 'support' },
    proxyEnv({ senders: smsSenders() }),
  );
  await endProxyVisit(writer, { visitId: visit.id });
  return { resident, record };
}

/** The real Twilio SMS sender, as configured in a process; nothing here reaches the point of sending. */
function smsSenders() {
  const config = parseConfig({
    PII_KEY: TEST_PII_KEY,
    ...twilioTestEnv(),
    TWILIO_SMS_FROM: '+8610690000123',
  });
  return configuredSenders(config, silentLogger());
}

async function sms(from: string, body: string) {
  counter += 1;
  return handleSmsReply(system, {
    messageSid: `SMproxyreply${counter}`.padEnd(34, '0'),
    from,
    body,
    receivedAt: system.clock.now(),
    helpPhone: '12345',
  });
}

async function statusOf(recordId: string) {
  return (
    await database.db.select().from(proxyConfirmations).where(eq(proxyConfirmations.recordId, recordId))
  )[0]?.status;
}

describe('an SMS reply to a proxy confirmation', () => {
  it.each([
    ['1', 'confirmed'],
    ['１', 'confirmed'],
    ['属实', 'confirmed'],
    ['2', 'disputed'],
    ['有误', 'disputed'],
    ['不对，我是反对的', 'disputed'],
  ] as const)('%s → %s', async (body, status) => {
    const { resident, record } = await pendingRecord();
    const result = await sms(resident.phone ?? '', body);
    expect(result.reply).toBeDefined();
    expect(await statusOf(record.id)).toBe(status);
    expect(await getPendingPrompt(system, { residentId: resident.id })).toBeUndefined();
  });

  it('asks once when the reply is unclear, and the same message twice is answered once', async () => {
    const { resident, record } = await pendingRecord();
    const phone = resident.phone ?? '';
    expect((await sms(phone, '这是什么意思')).reply).toBe('请回复1确认代您提交的内容属实，回复2表示有误。');
    expect(await statusOf(record.id)).toBe('awaiting_reply');
    counter += 1;
    const sid = `SMproxyrepeat${counter}`.padEnd(34, '0');
    const once = await handleSmsReply(system, {
      messageSid: sid,
      from: phone,
      body: '2',
      receivedAt: system.clock.now(),
      helpPhone: '12345',
    });
    const twice = await handleSmsReply(system, {
      messageSid: sid,
      from: phone,
      body: '2',
      receivedAt: system.clock.now(),
      helpPhone: '12345',
    });
    expect(twice).toMatchObject({ duplicate: true, reply: once.reply, intakeId: once.intakeId });
    expect(await statusOf(record.id)).toBe('disputed');
  });

  it('lets opt-out win', async () => {
    const { resident, record } = await pendingRecord();
    await sms(resident.phone ?? '', 'TD');
    expect(await statusOf(record.id)).toBe('awaiting_reply');
  });
});
