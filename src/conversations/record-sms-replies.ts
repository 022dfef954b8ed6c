/**
 * Stores a batch of inbound SMS, each understood against a context read just before, in ONE statement:
 * for each message the resident met for the first time, the intake, the record it adds and the change
 * to the pending prompt, as data-modifying CTEs over the batch. A single statement is atomic on its
 * own, so no BEGIN/COMMIT, and the batch is one JSON parameter, so the text is the same whatever the
 * batch holds: each connection prepares and plans it once.
 *
 * For each message every write hangs off its intake insert, and the intake insert hangs off the
 * message's preconditions, so each message is written whole or not at all:
 * - the resident the reply was read against must still be the same row version (`xmin`), with the same
 *   SMS opt-out state;
 * - their pending prompt must still be the row read (locked `for update` and compared by `xmin`; under
 *   READ COMMITTED a row changed meanwhile is re-checked after the lock, so a concurrent answer that
 *   moved the survey on makes that message write nothing), or still absent if none was read;
 * - every topic the reply was understood against must still have the status read, and a topic number
 *   that named no topic must still name none;
 * - a resident met for the first time is inserted `on conflict (phone_hash) do nothing`; if another
 *   message created them meanwhile, that message writes nothing;
 * - the intake is inserted `on conflict (channel, external_id) do nothing`: a repeat writes nothing.
 * These checks make it safe to understand a message against a context read earlier, even by another
 * process (see `SmsContextCache`): whatever changed since makes the message write nothing.
 * The messages of one batch must come from different residents (all CTEs see one snapshot, so two
 * answers to one prompt in one statement would both pass its check). Prompts are locked in resident
 * order, new residents inserted in blind-index order and intakes in message-id order, so two batches
 * that share residents or messages (two web processes, a repeated delivery) wait for each other
 * instead of deadlocking.
 * What was not written is reported as `false`; the caller then takes the transactional path.
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import {
  demands,
  intakes,
  opinions,
  residents,
  surveyAnswers,
  type TopicStatus,
  votes,
} from '../db/schema.ts';
import type { IntakeEffect } from '../pipeline/plan-intake.ts';
import { runStatement } from './run-statement.ts';

/** What the reply does to the prompt it was read against. */
export type PromptChange =
  | { type: 'keep' }
  | { type: 'clear' }
  | { type: 'mark_clarified' }
  | { type: 'advance'; toQuestionId: string };

type NewResident = Pick<
  typeof residents.$inferInsert,
  'phoneHash' | 'phoneCipher' | 'createdAt' | 'updatedAt'
> & { id: string };

/** What was read of an existing resident, all of which must still hold when the reply is written. */
export interface SenderAsRead {
  residentId: string;
  /** The resident row's version (`xmin`). */
  version: string;
  optedOut: boolean;
  /**
   * Their pending prompt as read: its row version, and what the reply does to it (none when the reply
   * does not answer it). Undefined when they had none: they must still have none.
   */
  prompt: { version: string; change?: PromptChange | undefined } | undefined;
}

export interface SmsReplyRecord {
  /** A resident met for the first time, created by this statement. */
  newResident?: NewResident | undefined;
  /** The existing resident the reply was read against. */
  sender?: SenderAsRead | undefined;
  /** The topics the reply was understood against, with the status each had. */
  topics?: readonly { id: string; status: TopicStatus }[] | undefined;
  /** A topic number the message named that no topic had. */
  absentTopicNumber?: number | undefined;
  /** The intake row; its id is given, so the records it adds can name it. */
  intake: typeof intakes.$inferInsert & { id: string };
  /** What the intake adds; opt-out changes are not stored this way (they need an audit entry). */
  effect: Exclude<IntakeEffect, { type: 'channel_opt_out' }>;
  /** When a survey moves on to its next question (the prompt's new `created_at`). */
  at: Date;
}

type Writer = (values: Record<string, unknown>) => Record<string, unknown>;

interface Written {
  /** The columns the statement inserts, in order, as SQL identifiers. */
  columns: string;
  /** The row as the JSON object `jsonb_populate_record` reads: database column names. */
  json: Writer;
}

/**
 * How rows of a table are written: every column but those left to the database (`omit`). A column
 * left out of `values` is written as NULL, so a column with a default must be given or omitted.
 */
function written(table: Table, omit: readonly string[]): Written {
  // Plain records rather than drizzle's column objects: every message of every batch goes through
  // this loop, and reading the same fields from one shape is cheaper than from a dozen column classes.
  const columns = Object.entries(getTableColumns(table))
    .filter(([key]) => !omit.includes(key))
    .map(([key, column]) => ({ key, name: column.name, hasDefault: column.hasDefault }));
  const json: Writer = (values) => {
    const row: Record<string, unknown> = {};
    for (const { key, name, hasDefault } of columns) {
      const value = values[key];
      if (value === undefined) {
        if (hasDefault) throw new Error(`${getTableName(table)}.${name} needs a value`);
        row[name] = null;
      } else {
        row[name] = value instanceof Date ? value.toISOString() : value;
      }
    }
    return row;
  };
  return { columns: columns.map(({ name }) => `"${name}"`).join(', '), json };
}

const RESIDENTS = written(
  residents,
  Object.keys(getTableColumns(residents)).filter(
    (key) => !['id', 'phoneHash', 'phoneCipher', 'createdAt', 'updatedAt'].includes(key),
  ),
);
const INTAKES = written(intakes, []);
const EFFECTS = {
  opinion: { table: 'opinions', ...written(opinions, ['id']) },
  vote: { table: 'votes', ...written(votes, ['id']) },
  survey_answer: { table: 'survey_answers', ...written(surveyAnswers, ['id']) },
  demand: { table: 'demands', ...written(demands, ['id']) },
} as const;

function insertFrom(table: string, columns: string, source: string, json: string, rest = ''): string {
  const selected = columns
    .split(', ')
    .map((column) => `r.${column}`)
    .join(', ');
  return `insert into ${table} (${columns}) select ${selected} from ${source}, jsonb_populate_record(null::${table}, ${json}) as r${rest}`;
}

const WITH_INTAKE = 'go join ins on ins.id = go.intake_id';

const RECORD_SQL = `with
b as (
  select * from jsonb_to_recordset($1::jsonb) as b(
    intake_id uuid, resident_id uuid, resident_version xid, opted_out boolean, prompt_version xid,
    change text, to_question uuid, changed_at timestamptz, new_resident jsonb, topics jsonb,
    absent_topic int, intake jsonb, effect_type text, effect jsonb)
),
pl as (
  select p.resident_id from pending_prompts p join b on p.resident_id = b.resident_id and p.xmin = b.prompt_version
  order by p.resident_id for update of p
),
nr as (
  ${insertFrom('residents', RESIDENTS.columns, 'b', 'b.new_resident', ' where b.new_resident is not null order by r.phone_hash')}
  on conflict (phone_hash) do nothing returning id
),
go as (
  select b.* from b
  where (b.resident_id is null or (
      exists (select 1 from residents r where r.id = b.resident_id and r.xmin = b.resident_version)
      and b.opted_out = coalesce((
        select o.opted_out from resident_opt_outs o where o.resident_id = b.resident_id and o.channel = 'sms'), false)
      and case when b.prompt_version is null
        then not exists (select 1 from pending_prompts p where p.resident_id = b.resident_id)
        else b.resident_id in (select resident_id from pl) end))
    and (b.new_resident is null or (b.new_resident ->> 'id')::uuid in (select id from nr))
    and (b.absent_topic is null or not exists (select 1 from topics t where t.number = b.absent_topic))
    and (b.topics is null or not exists (
      select 1 from jsonb_to_recordset(b.topics) as c(id uuid, status text)
      where not exists (select 1 from topics t where t.id = c.id and t.status::text = c.status)))
),
ins as (
  ${insertFrom('intakes', INTAKES.columns, 'go', 'go.intake', ' order by r.external_id')}
  on conflict (channel, external_id) do nothing returning id
),
${Object.entries(EFFECTS)
  .map(
    ([type, effect], n) =>
      `e${n} as (${insertFrom(effect.table, effect.columns, WITH_INTAKE, 'go.effect', ` where go.effect_type = '${type}'`)})`,
  )
  .join(',\n')},
pc as (
  delete from pending_prompts p using ${WITH_INTAKE}
  where p.resident_id = go.resident_id and go.change = 'clear'
),
pm as (
  update pending_prompts p set clarified = true from ${WITH_INTAKE}
  where p.resident_id = go.resident_id and go.change = 'mark_clarified'
),
pa as (
  update pending_prompts p set question_id = go.to_question, clarified = false, created_at = go.changed_at
  from ${WITH_INTAKE}
  where p.resident_id = go.resident_id and go.change = 'advance'
)
select id, pg_current_xact_id()::xid::text as version from ins`;

export interface RecordedSmsReplies {
  /** For each record, whether it was written (false: a precondition failed). */
  written: boolean[];
  /**
   * The row version (`xmin`) of every row the statement wrote, a prompt it moved on included;
   * undefined when nothing was written.
   */
  version: string | undefined;
}

/** Writes the replies in one statement; for each, whether it was written. */
export async function recordSmsReplies(
  ctx: Ctx,
  records: readonly SmsReplyRecord[],
): Promise<RecordedSmsReplies> {
  if (records.length === 0) return { written: [], version: undefined };
  const batch = records.map((record) => {
    const { sender, effect } = record;
    const change = sender?.prompt?.change;
    return {
      intake_id: record.intake.id,
      resident_id: sender?.residentId ?? null,
      resident_version: sender?.version ?? null,
      opted_out: sender?.optedOut ?? null,
      prompt_version: sender?.prompt?.version ?? null,
      change: change?.type ?? null,
      to_question: change?.type === 'advance' ? change.toQuestionId : null,
      changed_at: record.at.toISOString(),
      new_resident: record.newResident ? RESIDENTS.json(record.newResident) : null,
      topics: record.topics && record.topics.length > 0 ? record.topics : null,
      absent_topic: record.absentTopicNumber ?? null,
      intake: INTAKES.json(record.intake),
      effect_type: effect.type === 'none' ? null : effect.type,
      effect: effect.type === 'none' ? null : EFFECTS[effect.type].json(effect.values),
    };
  });
  const rows = await runStatement<{ id: string; version: string }>(ctx.db, RECORD_SQL, [
    JSON.stringify(batch),
  ]);
  const stored = new Set(rows.map((row) => row.id));
  return { written: records.map((record) => stored.has(record.intake.id)), version: rows[0]?.version };
}
