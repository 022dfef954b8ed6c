/**
 * Fault: the worker process is killed (SIGKILL) in the middle of a 2,000-recipient campaign and started
 * again. Nobody may be skipped; a message may reach the provider twice only if it was in flight at the
 * kill, and every such delivery must be flagged. Runs a real `src/worker.ts` process on PostgreSQL and
 * Redis, sending through the real Twilio SDK to a local stand-in of the Messages API.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, inArray } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioSmsSender } from '../../channels/sms/twilio-sms-sender.ts';
import { parseConfig } from '../config.ts';
import { silentLogger } from '../core/logger.ts';
import { communities, deliveries, residents, streets } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import { createDeliveryQueue } from '../runtime/delivery-queue.ts';
import { createQueues, type Queues } from '../runtime/queues.ts';
import { type SpawnedGateway, spawnGateway } from '../testing/spawn-gateway.ts';
import { createTestCtx, TEST_PII_KEY } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase, testDbKind } from '../testing/test-database.ts';
import { createCampaign } from './create-campaign.ts';
import type { OutreachEnv } from './outreach-env.ts';
import { planCampaign } from './plan-campaign.ts';

const RECIPIENTS = 2_000;
const KILL_AFTER = 600;
const ACCOUNT_SID = `AC${'7'.repeat(32)}`;

/** A stand-in for Twilio's Messages API that counts requests per delivery (from the StatusCallback). */
function startMessagesStub() {
  const perDelivery = new Map<string, number>();
  let total = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const callback = new URL(form.get('StatusCallback') ?? 'http://x/');
      const id = callback.searchParams.get('d') ?? 'unknown';
      perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
      total += 1;
      // A little provider latency keeps several sends in flight, as on a real network.
      setTimeout(() => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            sid: `SM${randomBytes(16).toString('hex')}`,
            account_sid: ACCOUNT_SID,
            status: 'queued',
            to: form.get('To'),
            body: form.get('Body'),
          }),
        );
      }, 3);
    });
  });
  return {
    perDelivery,
    total: () => total,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(testDbKind() !== 'postgres')('a worker killed mid-campaign', () => {
  let database: TestDatabase;
  let redis: Redis;
  let queues: Queues;
  const stub = startMessagesStub();
  const workers: SpawnedGateway[] = [];
  const prefix = `crash-${randomBytes(4).toString('hex')}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix);
    const stubUrl = await stub.listen();
    env = {
      DATABASE_URL: database.url ?? '',
      PII_KEY: TEST_PII_KEY,
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: prefix,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: 'crash-test-token',
      TWILIO_SMS_FROM: '+8610690000123',
      TWILIO_API_BASE_URL: stubUrl,
      PUBLIC_BASE_URL: 'https://hall.example.org',
      SMS_RATE_PER_SECOND: '300',
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await queues?.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
    await stub.close();
    await database?.close();
  });

  it('skips nobody after a restart, and flags every possible duplicate, which were all in flight', async () => {
    const ctx = createTestCtx(database.db);
    const [street] = await database.db
      .insert(streets)
      .values({ code: 'crash-st', name: { 'zh-CN': '测试街道' } })
      .returning();
    const [community] = await database.db
      .insert(communities)
      .values({ streetId: street!.id, code: 'crash-c', name: { 'zh-CN': '测试社区' } })
      .returning();
    const rows = Array.from({ length: RECIPIENTS }, (_, i) => {
      const phone = `+86139${String(10_000_000 + i).padStart(8, '0')}`;
      return {
        phoneCipher: ctx.pii.encryptPhone(phone),
        phoneHash: ctx.pii.phoneHash(phone),
        communityId: community!.id,
        preferredLocale: 'zh-CN' as const,
        // No quiet hours: the worker runs on the real clock, whatever the time of day.
        quietStartMinute: 0,
        quietEndMinute: 0,
      };
    });
    for (let i = 0; i < rows.length; i += 500)
      await database.db.insert(residents).values(rows.slice(i, i + 500));

    const config = parseConfig(env);
    const outreach: OutreachEnv = {
      i18n: getI18n(),
      defaultLocale: 'zh-CN',
      senders: { sms: createTwilioSmsSender({ config, log: silentLogger() }) },
      queue: createDeliveryQueue(queues),
    };
    const { campaign } = await createCampaign(
      ctx,
      {
        kind: 'notice',
        name: '停水通知',
        audience: { communityIds: [community!.id] },
        templates: { 'zh-CN': '【测试社区议事堂】明天9点到12点停水，请提前储水。退订回TD' },
      },
      outreach,
    );

    workers.push(spawnGateway('src/worker.ts', env));
    await planCampaign(ctx, { campaign: campaign.id }, outreach);

    await waitFor(() => stub.total() >= KILL_AFTER, 120_000, `${KILL_AFTER} sends`);
    workers[0]!.child.kill('SIGKILL');
    await workers[0]!.exited;
    const inFlight = new Set(
      (
        await database.db
          .select({ id: deliveries.id })
          .from(deliveries)
          .where(eq(deliveries.status, 'sending'))
      ).map((r) => r.id),
    );
    const sentBeforeRestart = stub.total();
    // The kill must land mid-send for this test to mean anything.
    expect(inFlight.size).toBeGreaterThan(0);
    expect(sentBeforeRestart).toBeLessThan(RECIPIENTS);

    workers.push(spawnGateway('src/worker.ts', env));
    // Jobs that were active at the kill come back once their locks lapse (BullMQ's stalled-job check).
    await waitFor(
      async () => {
        const open = await database.db
          .select({ id: deliveries.id })
          .from(deliveries)
          .where(inArray(deliveries.status, ['queued', 'sending']))
          .limit(1);
        return open.length === 0;
      },
      150_000,
      'every delivery to be settled',
    );

    const all = await database.db.select().from(deliveries).where(eq(deliveries.campaignId, campaign.id));
    expect(all).toHaveLength(RECIPIENTS);
    expect(all.filter((d) => d.status !== 'sent').map((d) => d.status)).toEqual([]);

    // Nobody skipped: every delivery reached the provider at least once.
    const missing = all.filter((d) => (stub.perDelivery.get(d.id) ?? 0) === 0);
    expect(missing).toEqual([]);

    // Duplicates only among deliveries in flight at the kill, and each of them flagged.
    const duplicated = all.filter((d) => (stub.perDelivery.get(d.id) ?? 0) > 1);
    for (const d of duplicated) {
      expect(inFlight.has(d.id), `${d.id} was sent twice but was not in flight`).toBe(true);
      expect(d.possibleDuplicate).toBe(true);
    }
    const flagged = all.filter((d) => d.possibleDuplicate);
    for (const d of flagged) expect(inFlight.has(d.id)).toBe(true);
    expect(Math.max(...stub.perDelivery.values())).toBeLessThanOrEqual(2);
  }, 300_000);
});
