import { eq, sql } from 'drizzle-orm';
import type { DestinationStream } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.ts';
import { residents, systemState } from '../db/schema.ts';
import { ingest } from '../pipeline/ingest.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { DEMO_RESIDENT_COUNT, demoPhoneNumbers } from './demo-residents.ts';
import { DEMO_DATA_STATE_KEY, type DemoDataState, loadDemoData } from './load-demo-data.ts';

/** The spellings a number takes in the wild: +8613812345678, 8613812345678, 13812345678, 138 1234 5678, 138-1234-5678. */
function spellings(e164: string): string[] {
  const national = e164.replace(/^\+86/, '');
  const grouped = [national.slice(0, 3), national.slice(3, 7), national.slice(7)];
  return [e164, `86${national}`, national, grouped.join(' '), grouped.join('-')];
}

/** Every spelling of every number that occurs in `text`. */
function findPhones(text: string, phones: string[]): string[] {
  return phones.flatMap((p) => spellings(p).filter((s) => text.includes(s)));
}

async function dumpAllTables(database: TestDatabase): Promise<{ tables: string[]; text: string }> {
  const listed = (await database.db.execute(
    sql`select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  )) as unknown as { rows: { table_name: string }[] };
  const tables = listed.rows.map((r) => r.table_name);
  const chunks: string[] = [];
  for (const table of tables) {
    const rows = (await database.db.execute(
      sql`select row_to_json(t)::text as row from ${sql.identifier(table)} t`,
    )) as unknown as { rows: { row: string }[] };
    chunks.push(`-- ${table}`, ...rows.rows.map((r) => r.row));
  }
  return { tables, text: chunks.join('\n') };
}

/** A number not among the demo residents: ingest creates a resident for it. */
const STRANGER = '+8613900001234';

async function demoState(database: TestDatabase): Promise<DemoDataState> {
  const [state] = await database.db
    .select()
    .from(systemState)
    .where(eq(systemState.key, DEMO_DATA_STATE_KEY));
  if (!state) throw new Error('no demo_data state recorded');
  return state.value as DemoDataState;
}

describe('phone numbers the system handles never appear in plaintext', () => {
  let database: TestDatabase;
  const logLines: string[] = [];
  const destination: DestinationStream = {
    write(line: string) {
      logLines.push(line);
    },
  };
  const phones = demoPhoneNumbers();
  /** Demo numbers and the stranger's: every number the system handled. */
  let handled: string[] = [];
  let residentCount = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    const ctx = { ...createTestCtx(database.db), log: createLogger({ destination, level: 'debug' }) };

    await loadDemoData(ctx);

    // Inbound messages from demo residents, and from someone the system meets for the first time.
    const [first, second, third] = phones as [string, string, string];
    handled = [...phones, STRANGER];
    const liftCode = (await demoState(database)).topicCodes['lift-block-3'];
    for (const [i, phone] of [first, second, third, STRANGER].entries()) {
      await ingest(ctx, {
        channel: 'sms',
        externalId: `SMnoplaintext${i}`,
        actor: { type: 'resident', via: 'sms' },
        declaredKind: 'text',
        phone,
        text: `${liftCode} 支持`,
        language: 'zh-CN',
        receivedAt: ctx.clock.now(),
      });
    }
    residentCount = await database.db.$count(residents);

    // What channel adapters and workers typically log around a message.
    for (const phone of [first, STRANGER]) {
      const [e164, with86, national, spaced] = spellings(phone) as [string, string, string, string];
      ctx.log.info({ From: e164, To: e164 }, `inbound from ${e164}`);
      ctx.log.info({ phone: national }, `looking up resident ${national}`);
      ctx.log.warn({ req: { From: e164, Caller: spaced } }, `call from ${spaced}`);
      ctx.log.error({ detail: `provider rejected ${with86}` }, 'send failed');
      ctx.log.debug(`retrying ${e164} (${national})`);
      ctx.log
        .child({ from: e164 })
        .child({ note: `callback for ${national}` })
        .info('status callback');
      // Providers quote the refused number in their errors.
      const refused = Object.assign(new Error(`The 'To' number ${e164} is not a valid phone number.`), {
        code: 21211,
        details: { to: national },
      });
      ctx.log.error({ err: refused }, 'send failed');
      ctx.log.error(refused, 'send failed');
    }
  });

  afterAll(async () => {
    await database.close();
  });

  it('finds a number when it is there, in each spelling', () => {
    const phone = phones[0] as string;
    for (const spelling of spellings(phone))
      expect(findPhones(`x ${spelling} y`, [phone])).toContain(spelling);
  });

  it('stores no handled number in any table', async () => {
    const { tables, text } = await dumpAllTables(database);
    // The dump covers the tables that hold people, messages and the audit trail.
    for (const table of ['residents', 'intakes', 'opinions', 'audit_log', 'system_state']) {
      expect(tables).toContain(table);
    }
    expect(text).toContain('"phone_hash"');
    // The stranger became a resident, so the dump includes a record made from their message.
    expect(residentCount).toBe(DEMO_RESIDENT_COUNT + 1);
    expect(findPhones(text, handled)).toEqual([]);
  });

  it('logs no handled number, whether in a field, a message, a child binding or an error', () => {
    const text = logLines.join('');
    expect(logLines.length).toBeGreaterThanOrEqual(10);
    expect(text).toContain('[redacted]');
    expect(text).toContain('[phone]');
    expect(text).toContain('status callback');
    expect(text).toContain('is not a valid phone number');
    expect(findPhones(text, handled)).toEqual([]);
  });
});
