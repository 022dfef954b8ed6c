/**
 * Builders for outreach tests: places, residents inserted in bulk with encrypted numbers, a survey, a
 * recording sender standing in for the provider at the network edge. Test-only.
 */
import { randomBytes } from 'node:crypto';
import type { Ctx } from '../core/context.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  communities,
  demands,
  grids,
  intakes,
  type LocalizedText,
  opinions,
  type QuestionKind,
  residents,
  streets,
  surveyAnswers,
  surveyQuestions,
  surveys,
  type TopicStatus,
  topics,
  votes,
} from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import type { OutreachEnv } from './outreach-env.ts';
import type { MessageSender, OutboundMessage, SendResult } from './sender.ts';

let phoneCounter = 0;
const phoneBase = 10_000_000 + (Number.parseInt(randomBytes(2).toString('hex'), 16) % 40_000) * 1000;

/** A mainland mobile number unique in this process. */
export function nextPhone(): string {
  phoneCounter += 1;
  return `+86138${String(phoneBase + phoneCounter).slice(-8)}`;
}

export async function newPlace(
  db: DbOrTx,
  name: LocalizedText = { 'zh-CN': '幸福里社区', en: 'Xingfuli Community' },
) {
  const tag = randomBytes(4).toString('hex');
  const [street] = await db
    .insert(streets)
    .values({ code: `s-${tag}`, name: { 'zh-CN': '长安街道' } })
    .returning();
  if (!street) throw new Error('street not inserted');
  const [community] = await db
    .insert(communities)
    .values({ streetId: street.id, code: `c-${tag}`, name })
    .returning();
  if (!community) throw new Error('community not inserted');
  const [grid] = await db
    .insert(grids)
    .values({ communityId: community.id, code: `g-${tag}`, name: { 'zh-CN': '一网格' } })
    .returning();
  if (!grid) throw new Error('grid not inserted');
  return { street, community, grid };
}

export type ResidentSpec = Partial<Omit<typeof residents.$inferInsert, 'phoneCipher' | 'phoneHash'>> & {
  /** False for a resident without a phone number. */
  phone?: string | false;
};

/** Inserts residents directly (fast); returns their ids in order. */
export async function insertResidents(ctx: Ctx, specs: ResidentSpec[]): Promise<string[]> {
  if (specs.length === 0) return [];
  const rows = specs.map(({ phone, ...rest }) => {
    const e164 = phone === false ? undefined : (phone ?? nextPhone());
    return {
      ...rest,
      phoneCipher: e164 ? ctx.pii.encryptPhone(e164) : null,
      phoneHash: e164 ? ctx.pii.phoneHash(e164) : null,
    };
  });
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const inserted = await ctx.db
      .insert(residents)
      .values(rows.slice(i, i + 1000))
      .returning({ id: residents.id });
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

export async function insertTopic(
  db: DbOrTx,
  values: Partial<typeof topics.$inferInsert> & { status?: TopicStatus } = {},
) {
  const [topic] = await db
    .insert(topics)
    .values({
      title: { 'zh-CN': '3号楼加装电梯', 'zh-HK': '3號樓加裝電梯', en: 'A lift for block 3' },
      summary: { 'zh-CN': '3号楼居民希望加装电梯。' },
      source: 'online',
      status: 'published',
      publicationEndsOn: '2026-12-08',
      ...values,
    })
    .returning();
  if (!topic) throw new Error('topic not inserted');
  return topic;
}

export async function insertSurvey(
  db: DbOrTx,
  options: { topicId?: string | null; department?: string | null; kinds?: QuestionKind[] } = {},
) {
  const [survey] = await db
    .insert(surveys)
    .values({
      title: { 'zh-CN': '满意度调查' },
      topicId: options.topicId ?? null,
      department: options.department ?? null,
    })
    .returning();
  if (!survey) throw new Error('survey not inserted');
  const questions = await db
    .insert(surveyQuestions)
    .values(
      (options.kinds ?? ['satisfaction']).map((kind, i) => ({
        surveyId: survey.id,
        position: i + 1,
        kind,
        prompt: {
          'zh-CN': `问题${i + 1}：您满意吗？`,
          'zh-HK': `問題${i + 1}：您滿意嗎？`,
          en: `Question ${i + 1}: satisfied?`,
        },
      })),
    )
    .returning();
  return { survey, questions: questions.sort((a, b) => a.position - b.position) };
}

/** The outreach environment of a test: real translations, zh-CN default, the senders given. */
export function testOutreachEnv(overrides: Partial<OutreachEnv> = {}): OutreachEnv {
  return { i18n: getI18n(), defaultLocale: 'zh-CN', ...overrides };
}

export interface RecordingSender extends MessageSender {
  sent: (OutboundMessage & { at: number })[];
}

/**
 * Stands in for a provider at the network edge: records each message with the time it arrived and
 * answers with `answer` (a function of the attempt number lets a test fail first, then succeed).
 */
export function recordingSender(
  answer: SendResult | ((message: OutboundMessage, attempt: number) => SendResult) = {
    ok: true,
    providerId: 'SM',
  },
): RecordingSender {
  const sent: RecordingSender['sent'] = [];
  const attempts = new Map<string, number>();
  return {
    sent,
    async send(message) {
      const attempt = (attempts.get(message.outboxId) ?? 0) + 1;
      attempts.set(message.outboxId, attempt);
      sent.push({ ...message, at: performance.now() });
      const result = typeof answer === 'function' ? answer(message, attempt) : answer;
      return result.ok ? { ok: true, providerId: `${result.providerId}-${sent.length}` } : result;
    },
  };
}

/** Polls `read` until `done` says yes (or 30 s pass). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let intakeCounter = 0;

/**
 * Records that a resident took part in a topic the way the pipeline stores it: an intake and its
 * opinion, vote, demand or survey answer.
 */
export async function insertParticipation(
  db: DbOrTx,
  input: {
    residentId: string;
    topicId: string | null;
    how: 'opinion' | 'vote' | 'demand' | 'answer';
    answer?: string;
    surveyId?: string;
    surveyRef?: string;
    questionId?: string;
  },
): Promise<void> {
  intakeCounter += 1;
  const { residentId, topicId, how } = input;
  const [intake] = await db
    .insert(intakes)
    .values({
      channel: 'sms',
      externalId: `SMkit${intakeCounter}-${randomBytes(6).toString('hex')}`,
      actorType: 'resident',
      actor: { type: 'resident', via: 'sms', residentId },
      residentId,
      declaredKind: 'text',
      kind: how === 'answer' ? 'survey_answer' : how,
      language: 'zh-CN',
      receivedAt: new Date(),
      outcome: {},
    })
    .returning();
  if (!intake) throw new Error('intake not inserted');
  const base = { intakeId: intake.id, residentId, channel: 'sms' as const };
  if (how !== 'answer' && how !== 'demand' && !topicId) throw new Error(`${how} needs a topic`);
  switch (how) {
    case 'opinion':
      await db.insert(opinions).values({ ...base, topicId: topicId ?? '', stance: 'support' });
      return;
    case 'vote':
      await db.insert(votes).values({ ...base, topicId: topicId ?? '', choice: 'support' });
      return;
    case 'demand':
      await db.insert(demands).values({ ...base, topicId, text: '楼道太暗' });
      return;
    case 'answer':
      await db.insert(surveyAnswers).values({
        ...base,
        topicId,
        surveyRef: input.surveyRef ?? 'S0',
        surveyId: input.surveyId ?? null,
        questionId: input.questionId ?? null,
        answer: input.answer ?? 'satisfied',
      });
      return;
  }
}
