import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/database.ts';
import { topics } from '../db/schema.ts';

export type Topic = typeof topics.$inferSelect;

// Up to nine digits keeps the number inside PostgreSQL's integer range.
const TOPIC_REF = /^(?:t|#|议题|議題)?\s*(\d{1,9})$/i;

/**
 * The topic number a reference names ('T23', 't23', '#23', '２３', '议题23', '23' → 23), or undefined
 * when the reference is not a topic code.
 */
export function parseTopicRef(ref: string): number | undefined {
  const match = TOPIC_REF.exec(ref.normalize('NFKC').trim());
  if (!match?.[1]) return undefined;
  const n = Number.parseInt(match[1], 10);
  return n > 0 && n <= 2_147_483_647 ? n : undefined;
}

/** The topic a resident's reference points at, or undefined when there is none. */
export async function findTopicByCode(db: DbOrTx, ref: string): Promise<Topic | undefined> {
  const number = parseTopicRef(ref);
  if (number === undefined) return undefined;
  const [topic] = await db.select().from(topics).where(eq(topics.number, number)).limit(1);
  return topic;
}
