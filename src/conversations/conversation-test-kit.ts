/**
 * Builders for conversation tests: residents by phone, a topic on public notice, a survey with
 * questions, and the pending prompts outreach would leave behind. Test-only.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Ctx } from '../core/context.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  type LocalizedText,
  type QuestionKind,
  surveyQuestions,
  surveys,
  type TopicStatus,
  topics,
} from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import { findOrCreateResidentByPhone } from '../residents/find-or-create-resident-by-phone.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import type { AnswerSmsInput } from './answer-sms-batch.ts';
import { interpretReply } from './interpret-reply.ts';
import { setPendingPrompt } from './set-pending-prompt.ts';

/**
 * A test database for the file, opened before its tests and closed after them, and a context acting
 * as a resident writing by SMS.
 */
export function useConversationDatabase() {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });
  const opened = (): TestDatabase => {
    if (!database) throw new Error('the test database is opened before the tests run');
    return database;
  };
  return {
    get database() {
      return opened();
    },
    ctx: () => createTestCtx(opened().db, { actor: { type: 'resident', via: 'sms' } }),
  };
}

/** A message id in Twilio's form. */
export function newSmsSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** An inbound SMS as `handleSmsReply` takes it. */
export function inboundSms(from: string, body: string, messageSid = newSmsSid()) {
  return { messageSid, from, body, receivedAt: new Date('2026-11-27T02:00:00Z'), helpPhone: '12345' };
}

/** The same message read, as `answerSmsBatch` takes it. */
export function smsToAnswer(from: string, body: string, messageSid = newSmsSid()): AnswerSmsInput {
  return {
    ...inboundSms(from, body, messageSid),
    interpretation: interpretReply(body),
    defaultLocale: undefined,
    i18n: getI18n(),
  };
}

const used = new Set<string>();

/** A mainland mobile number no other test in this process uses. */
export function newPhone(): string {
  for (;;) {
    const phone = `+86139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    if (!used.has(phone)) {
      used.add(phone);
      return phone;
    }
  }
}

export async function residentWithPhone(
  ctx: Ctx,
  phone = newPhone(),
): Promise<{ id: string; phone: string }> {
  const found = await findOrCreateResidentByPhone(ctx, { phone });
  if (!found) throw new Error(`not a valid phone number: ${phone}`);
  return { id: found.resident.id, phone };
}

export async function newTopic(db: DbOrTx, status: TopicStatus = 'published') {
  const [row] = await db
    .insert(topics)
    .values({
      title: { 'zh-CN': '3号楼加装电梯', 'zh-HK': '3號樓加裝電梯', en: 'A lift for block 3' },
      summary: { 'zh-CN': '3号楼居民希望加装电梯。' },
      source: 'online',
      status,
    })
    .returning();
  if (!row) throw new Error('topic not inserted');
  return row;
}

export interface QuestionSpec {
  kind: QuestionKind;
  prompt: LocalizedText;
}

export async function newSurvey(db: DbOrTx, questions: QuestionSpec[], topicId: string | null = null) {
  const [survey] = await db
    .insert(surveys)
    .values({ title: { 'zh-CN': '加装电梯满意度调查' }, topicId, department: '住建办' })
    .returning();
  if (!survey) throw new Error('survey not inserted');
  const rows = await db
    .insert(surveyQuestions)
    .values(questions.map((q, i) => ({ surveyId: survey.id, position: i + 1, ...q })))
    .returning();
  return { survey, questions: rows.sort((a, b) => a.position - b.position) };
}

export const THREE_QUESTIONS: QuestionSpec[] = [
  {
    kind: 'satisfaction',
    prompt: {
      'zh-CN': '您对3号楼加装电梯工作满意吗？',
      'zh-HK': '您對3號樓加裝電梯工作滿意嗎？',
      en: 'How satisfied are you with the new lift in block 3?',
    },
  },
  {
    kind: 'satisfaction',
    prompt: {
      'zh-CN': '您对施工期间的安排满意吗？',
      'zh-HK': '您對施工期間的安排滿意嗎？',
      en: 'How satisfied are you with how the works were run?',
    },
  },
  {
    kind: 'text',
    prompt: { 'zh-CN': '您还有什么建议？', 'zh-HK': '您還有甚麼建議？', en: 'Any other suggestions?' },
  },
];

const DAY = 24 * 60 * 60 * 1000;

/** The prompt outreach leaves after sending a topic notice that asks for 1/2. */
export function promptTopicNotice(ctx: Ctx, residentId: string, topicId: string, expiresInMs = 7 * DAY) {
  return setPendingPrompt(ctx, {
    residentId,
    channel: 'sms',
    kind: 'topic_notice',
    topicId,
    expiresAt: new Date(ctx.clock.now().getTime() + expiresInMs),
  });
}

/** The prompt outreach leaves after sending a survey question. */
export function promptSurveyQuestion(
  ctx: Ctx,
  residentId: string,
  survey: { id: string; topicId: string | null },
  questionId: string,
  expiresInMs = 3 * DAY,
) {
  return setPendingPrompt(ctx, {
    residentId,
    channel: 'sms',
    kind: 'survey_question',
    surveyId: survey.id,
    questionId,
    ...(survey.topicId ? { topicId: survey.topicId } : {}),
    expiresAt: new Date(ctx.clock.now().getTime() + expiresInMs),
  });
}
