import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { type PromptKind, pendingPrompts } from '../db/schema.ts';

/** Which prompt a change is meant for, so a newer prompt written meanwhile is left alone. */
export interface PromptIdentity {
  kind: PromptKind;
  topicId?: string | null;
  surveyId?: string | null;
  questionId?: string | null;
  proxyRecordId?: string | null;
}

/** The condition that the resident's pending prompt is still `expected` (any prompt when absent). */
export function promptIs(residentId: string, expected: PromptIdentity | undefined): SQL | undefined {
  const column = (c: AnyPgColumn, v: string | null | undefined) => (v ? eq(c, v) : isNull(c));
  return expected
    ? and(
        eq(pendingPrompts.residentId, residentId),
        eq(pendingPrompts.kind, expected.kind),
        expected.kind === 'topic_notice' ? column(pendingPrompts.topicId, expected.topicId) : undefined,
        expected.kind === 'proxy_confirmation'
          ? column(pendingPrompts.proxyRecordId, expected.proxyRecordId)
          : undefined,
        column(pendingPrompts.surveyId, expected.surveyId),
        column(pendingPrompts.questionId, expected.questionId),
      )
    : eq(pendingPrompts.residentId, residentId);
}
