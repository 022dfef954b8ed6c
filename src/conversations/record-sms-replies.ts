/**
 * Stores a batch of inbound SMS, each understood against a context read just before, in ONE statement:
 * for each message the resident met for the first time, the intake, the record it adds and the change
 * to the pending prompt, as data-modifying CTEs over the batch. A single statement is atomic on its
 * own, so no BEGIN/COMMIT, and the batch is one JSON parameter, so the text is the same whatever the
 * batch holds: each connection prepares and plans it once.
 *
 * For each message every write hangs off its intake insert, and the intake insert hangs off the
 * message's preconditions, so each message is written whole or not at all:
 * - the prompt the reply was read against is locked (`for update`) and must still be the same row
 *   version (`xmin`); under READ COMMITTED a row changed meanwhile is re-checked after the lock, so a
 *   concurrent answer that moved the survey on makes that message write nothing;
 * - a resident met for the first time is inserted `on conflict (phone_hash) do nothing`; if another
 *   message created them meanwhile, that message writes nothing;
 * - the intake is inserted `on conflict (channel, external_id) do nothing`: a repeat writes nothing.
 * The messages of one batch must come from different residents (all CTEs see one snapshot, so two
 * answers to one prompt in one statement would both pass its check). Prompts are locked in resident
 * order, new residents inserted in blind-index order and intakes in message-id order, so two batches
 * that share residents or messages (two web processes, a repeated delivery) wait for each other
 * instead of deadlocking.
 * What was not written is reported as `false`; the caller then takes the transactional path.
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { demands, intakes, opinions, residents, surveyAnswers, votes } from '../db/schema.ts';
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

export interface SmsReplyRecord {
  /** A resident met for the first time, created by this statement. */
  newResident?: NewResident | undefined;
  /** The prompt the reply was read against: its row version, and what the reply does to it. */
  prompt?: { residentId: string; version: string; change: PromptChange } | undefined;
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
    intake_id uuid, prompt_resident uuid, prompt_version xid, change text, to_question uuid,
    changed_at timestamptz, new_resident jsonb, intake jsonb, effect_type text, effect jsonb)
),
pl as (
  select p.resident_id from pending_prompts p join b on p.resident_id = b.prompt_resident and p.xmin = b.prompt_version
  order by p.resident_id for update of p
),
nr as (
  ${insertFrom('residents', RESIDENTS.columns, 'b', 'b.new_resident', ' where b.new_resident is not null order by r.phone_hash')}
  on conflict (phone_hash) do nothing returning id
),
go as (
  select b.* from b
  where (b.prompt_resident is null or b.prompt_resident in (select resident_id from pl))
    and (b.new_resident is null or (b.new_resident ->> 'id')::uuid in (select id from nr))
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
  where p.resident_id = go.prompt_resident and go.change = 'clear'
),
pm as (
  update pending_prompts p set clarified = true from ${WITH_INTAKE}
  where p.resident_id = go.prompt_resident and go.change = 'mark_clarified'
),
pa as (
  update pending_prompts p set question_id = go.to_question, clarified = false, created_at = go.changed_at
  from ${WITH_INTAKE}
  where p.resident_id = go.prompt_resident and go.change = 'advance'
)
select id from ins`;

/** Writes the replies in one statement; for each, whether it was written (false: a precondition failed). */
export async function recordSmsReplies(ctx: Ctx, records: readonly SmsReplyRecord[]): Promise<boolean[]> {
  if (records.length === 0) return [];
  const batch = records.map((record) => {
    const { prompt, effect } = record;
    return {
      intake_id: record.intake.id,
      prompt_resident: prompt?.residentId ?? null,
      prompt_version: prompt?.version ?? null,
      change: prompt?.change.type ?? null,
      to_question: prompt?.change.type === 'advance' ? prompt.change.toQuestionId : null,
      changed_at: record.at.toISOString(),
      new_resident: record.newResident ? RESIDENTS.json(record.newResident) : null,
      intake: INTAKES.json(record.intake),
      effect_type: effect.type === 'none' ? null : effect.type,
      effect: effect.type === 'none' ? null : EFFECTS[effect.type].json(effect.values),
    };
  });
  const rows = await runStatement<{ id: string }>(ctx.db, RECORD_SQL, [JSON.stringify(batch)]);
  const stored = new Set(rows.map((row) => row.id));
  return records.map((record) => stored.has(record.intake.id));
}
