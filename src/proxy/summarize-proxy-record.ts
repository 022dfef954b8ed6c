import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { type Locale, proxyRecords, surveyQuestions, surveys, topics } from '../db/schema.ts';
import type { Translate } from '../i18n/i18n.ts';
import { confirmationSummary } from './confirmation-message.ts';
import { localizedText } from './read-back.ts';
import { surveyAnswerNames } from './record-subject.ts';

/** A record in the few words a confirmation message has room for, in `locale`. */
export async function summarizeProxyRecord(
  ctx: Ctx,
  input: { recordId: string; t: Translate; locale: Locale },
): Promise<string | undefined> {
  const [row] = await ctx.db
    .select({
      record: proxyRecords,
      topicCode: topics.code,
      topicTitle: topics.title,
      surveyCode: surveys.code,
      questionKind: surveyQuestions.kind,
    })
    .from(proxyRecords)
    .leftJoin(topics, eq(topics.id, proxyRecords.topicId))
    .leftJoin(surveys, eq(surveys.id, proxyRecords.surveyId))
    .leftJoin(surveyQuestions, eq(surveyQuestions.id, proxyRecords.questionId))
    .where(eq(proxyRecords.id, input.recordId));
  if (!row) return undefined;
  const { record } = row;
  const { t, locale } = input;
  switch (record.kind) {
    case 'opinion':
      return confirmationSummary(t, {
        kind: 'opinion',
        topicCode: row.topicCode ?? '',
        topicTitle: localizedText(row.topicTitle, locale),
        stance: record.choice ?? 'suggestion',
        text: record.text,
      });
    case 'vote':
      return confirmationSummary(t, {
        kind: 'vote',
        topicCode: row.topicCode ?? '',
        topicTitle: localizedText(row.topicTitle, locale),
        choice: record.choice ?? '',
      });
    case 'need':
      return confirmationSummary(t, { kind: 'need', text: record.text ?? '' });
    case 'survey_answer':
      return confirmationSummary(t, {
        kind: 'survey_answer',
        surveyCode: row.surveyCode ?? '',
        answer:
          record.text ??
          (row.questionKind ? surveyAnswerNames(t, row.questionKind)[record.choice ?? ''] : undefined) ??
          '',
      });
  }
}
