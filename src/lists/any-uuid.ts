import { type Column, type SQL, sql } from 'drizzle-orm';

/**
 * `column = any($1::uuid[])`: a whole id list bound as one parameter, so that a list of any length
 * stays one statement parameter (an `in (…)` list is one parameter per id, and PostgreSQL allows 65,535).
 */
export function anyUuid(column: Column, ids: readonly string[]): SQL {
  return sql`${column} = any(${sql.param([...ids])}::uuid[])`;
}
