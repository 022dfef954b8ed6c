/**
 * Builders for tests of the lists, KPIs and participation balance: staff with a department, input
 * stored the way the pipeline stores it on any channel, and a topic whose result is published.
 * Test-only; not imported by the application.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../core/actor.ts';
import type { ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  type Channel,
  demands,
  intakes,
  opinions,
  type StaffRole,
  staff,
  surveyAnswers,
  topicFollowers,
  votes,
} from '../db/schema.ts';
import { createTopicInStatus } from '../topics/topic-fixtures.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';

/** A staff member inserted directly (no password needed), as an actor. */
export async function insertStaff(
  db: DbOrTx,
  roles: StaffRole[],
  extra: { department?: string | null; communityIds?: string[]; displayName?: string } = {},
): Promise<Actor & { type: 'staff' }> {
  const [row] = await db
    .insert(staff)
    .values({
      username: `s-${randomBytes(6).toString('hex')}`,
      displayName: extra.displayName ?? `测试${roles.join('')}`,
      passwordHash: 'not-a-real-hash',
      roles,
      department: extra.department ?? null,
      communityIds: extra.communityIds ?? [],
    })
    .returning();
  if (!row) throw new Error('staff not inserted');
  return { type: 'staff', staffId: row.id, roles };
}

/** The same context acting as someone else. */
export function as(ctx: Ctx & { clock: ManualClock }, actor: Actor): Ctx & { clock: ManualClock } {
  return { ...ctx, actor };
}

/** Moves the clock to 10:00 in Shanghai on a calendar day. */
export function setDay(ctx: { clock: ManualClock }, day: string, time = '02:00:00Z'): void {
  ctx.clock.set(`${day}T${time}`);
}

/** A topic walked through the real verbs to `result_published` (the clock ends wherever that needed). */
export async function topicWithResult(
  ctx: Ctx & { clock: ManualClock },
  communityId?: string,
): Promise<Topic> {
  return createTopicInStatus(ctx, 'result_published', communityId ? { communityId } : {});
}

let counter = 0;

/**
 * Stores one contribution to a topic as the pipeline would: an intake and its opinion, vote, demand or
 * survey answer, on the channel given; `residentId` null is anonymous input.
 */
export async function contribute(
  db: DbOrTx,
  input: {
    residentId: string | null;
    topicId: string;
    how: 'opinion' | 'vote' | 'demand' | 'answer';
    channel?: Channel;
    answer?: string;
    surveyId?: string;
    questionId?: string;
  },
): Promise<void> {
  counter += 1;
  const channel = input.channel ?? 'sms';
  const [intake] = await db
    .insert(intakes)
    .values({
      channel,
      externalId: `lists-${counter}-${randomBytes(6).toString('hex')}`,
      actorType: 'resident',
      actor: { type: 'resident', via: 'web' },
      residentId: input.residentId,
      declaredKind: 'text',
      kind: input.how === 'answer' ? 'survey_answer' : input.how,
      language: 'zh-CN',
      receivedAt: new Date('2026-09-01T02:00:00Z'),
      outcome: {},
    })
    .returning();
  if (!intake) throw new Error('intake not inserted');
  const base = { intakeId: intake.id, residentId: input.residentId, channel };
  switch (input.how) {
    case 'opinion':
      await db.insert(opinions).values({ ...base, topicId: input.topicId, stance: 'support' });
      return;
    case 'vote':
      await db.insert(votes).values({ ...base, topicId: input.topicId, choice: 'support' });
      return;
    case 'demand':
      await db.insert(demands).values({ ...base, topicId: input.topicId, text: '楼道太暗' });
      return;
    case 'answer':
      await db.insert(surveyAnswers).values({
        ...base,
        topicId: input.topicId,
        surveyRef: 'S0',
        surveyId: input.surveyId ?? null,
        questionId: input.questionId ?? null,
        answer: input.answer ?? 'satisfied',
      });
      return;
  }
}

/** A resident follows a topic (wants to be told about its progress) on a channel. */
export async function follow(
  db: DbOrTx,
  topicId: string,
  residentId: string,
  channel: 'sms' | 'voice' = 'sms',
) {
  await db.insert(topicFollowers).values({ topicId, residentId, channel });
}
