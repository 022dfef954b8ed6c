import { createHash } from 'node:crypto';
import { type Placeholder, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/database.ts';

type Session = DbOrTx['_']['session'];
type Prepared = ReturnType<Session['prepareQuery']>;

const names = new Map<string, string>();
const preparedBySession = new WeakMap<Session, Map<string, Prepared>>();
const placeholders: Placeholder[] = [];

/** One name per distinct statement text: PostgreSQL refuses a name reused for another text. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `sms_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

function placeholdersFor(count: number): Placeholder[] {
  for (let i = placeholders.length; i < count; i += 1) placeholders.push(sql.placeholder(String(i)));
  return placeholders.slice(0, count);
}

/**
 * Runs hand-written SQL through the database's own session, so that it works on PostgreSQL and
 * PGlite alike. On PostgreSQL it is a named prepared statement: each pooled connection parses and
 * plans it once, which matters for statements run on every inbound message. The callers build a
 * bounded number of distinct texts. Timestamps come back as text; select epoch milliseconds instead.
 */
export async function runStatement<Row>(db: DbOrTx, text: string, params: unknown[]): Promise<Row[]> {
  const session = db._.session;
  let prepared = preparedBySession.get(session);
  if (!prepared) {
    prepared = new Map();
    preparedBySession.set(session, prepared);
  }
  let query = prepared.get(text);
  if (!query) {
    query = session.prepareQuery(
      { sql: text, params: placeholdersFor(params.length) },
      undefined,
      nameOf(text),
      false,
    );
    prepared.set(text, query);
  }
  const values: Record<string, unknown> = {};
  for (const [i, value] of params.entries()) values[i] = value;
  const result = (await query.execute(values)) as { rows: Row[] };
  return result.rows;
}
