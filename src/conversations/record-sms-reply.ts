/**
 * Stores an inbound SMS that was understood against a context read just before, in ONE statement:
 * the resident met for the first time, the intake, the record it adds and the change to the pending
 * prompt, as data-modifying CTEs. A single statement is atomic on its own, so no BEGIN/COMMIT.
 *
 * Every write hangs off the intake insert (`… select … from ins`), and the intake insert hangs off
 * the preconditions, so the statement writes everything or nothing:
 * - the prompt the reply was read against is locked (`for update`) and must still be the same row
 *   version (`xmin`); under READ COMMITTED a row changed meanwhile is re-checked after the lock, so
 *   a concurrent answer that moved the survey on makes this statement write nothing;
 * - a resident met for the first time is inserted `on conflict (phone_hash) do nothing`; if another
 *   message created them meanwhile, nothing is written;
 * - the intake is inserted `on conflict (channel, external_id) do nothing`: a repeat of the message
 *   writes nothing.
 * "Nothing written" is returned as `false`; the caller then takes the transactional path, which
 * serialises on the resident and answers repeats with the first reply.
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

export interface SmsReplyRecord {
  /** A resident met for the first time, created by this statement. */
  newResident?: (typeof residents.$inferInsert & { id: string }) | undefined;
  /** The prompt the reply was read against: its row version, and what the reply does to it. */
  prompt?: { residentId: string; version: string; change: PromptChange } | undefined;
  /** The intake row; its id is given, so the records it adds can name it. */
  intake: typeof intakes.$inferInsert;
  /** What the intake adds; opt-out changes are not stored this way (they need an audit entry). */
  effect: Exclude<IntakeEffect, { type: 'channel_opt_out' }>;
}

type Columns = [key: string, name: string, type: string, toDriver: (value: unknown) => unknown][];
const columnsByTable = new Map<Table, Columns>();

function columnsOf(table: Table): Columns {
  let columns = columnsByTable.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table)).map(([key, column]) => [
      key,
      column.name,
      column.getSQLType(),
      (value: unknown) => column.mapToDriverValue(value),
    ]);
    columnsByTable.set(table, columns);
  }
  return columns;
}

/** Statement text and parameters, built together so that `$n` always matches its value. */
class Statement {
  readonly params: unknown[] = [];

  param(value: unknown, type: string): string {
    this.params.push(value);
    return `$${this.params.length}::${type}`;
  }

  /** `insert into t (…) select …[ from source]`: the values of every column set in `values`. */
  insert(table: Table, values: Record<string, unknown>, source?: string): string {
    const names: string[] = [];
    const exprs: string[] = [];
    for (const [key, name, type, toDriver] of columnsOf(table)) {
      const value = values[key];
      if (value === undefined) continue;
      names.push(`"${name}"`);
      exprs.push(this.param(value === null ? null : toDriver(value), type));
    }
    return `insert into "${getTableName(table)}" (${names.join(', ')}) select ${exprs.join(', ')}${
      source ? ` from ${source}` : ''
    }`;
  }
}

const EFFECT_TABLES = {
  opinion: opinions,
  vote: votes,
  survey_answer: surveyAnswers,
  demand: demands,
} as const;

/** Writes the reply in one statement; false when a precondition failed and nothing was written. */
export async function recordSmsReply(ctx: Ctx, record: SmsReplyRecord): Promise<boolean> {
  const s = new Statement();
  const ctes: string[] = [];
  let source = '(select 1) as one';

  const { prompt } = record;
  let residentParam = '';
  if (prompt) {
    residentParam = s.param(prompt.residentId, 'uuid');
    ctes.push(
      `pl as (select resident_id from pending_prompts where resident_id = ${residentParam} and xmin = ${s.param(
        prompt.version,
        'xid',
      )} for update)`,
    );
    source = 'pl';
  }
  if (record.newResident) {
    ctes.push(
      `nr as (${s.insert(residents, record.newResident)} on conflict (phone_hash) do nothing returning id)`,
    );
    source = 'nr';
  }
  ctes.push(
    `ins as (${s.insert(intakes, record.intake, source)} on conflict (channel, external_id) do nothing returning id)`,
  );
  const { effect } = record;
  if (effect.type !== 'none') {
    ctes.push(`eff as (${s.insert(EFFECT_TABLES[effect.type], effect.values, 'ins')})`);
  }
  if (prompt) {
    const change = prompt.change;
    const target = `pending_prompts.resident_id = ${residentParam}`;
    switch (change.type) {
      case 'keep':
        break;
      case 'clear':
        ctes.push(`pc as (delete from pending_prompts using ins where ${target})`);
        break;
      case 'mark_clarified':
        ctes.push(`pc as (update pending_prompts set clarified = true from ins where ${target})`);
        break;
      case 'advance':
        ctes.push(
          `pc as (update pending_prompts set question_id = ${s.param(change.toQuestionId, 'uuid')}, clarified = false, created_at = ${s.param(
            ctx.clock.now().toISOString(),
            'timestamptz',
          )} from ins where ${target})`,
        );
        break;
    }
  }
  const rows = await runStatement<{ id: string }>(
    ctx.db,
    `with ${ctes.join(',\n')}\nselect id from ins`,
    s.params,
  );
  return rows.length > 0;
}
