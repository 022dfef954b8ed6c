/**
 * What a proxied record is about — a topic, a survey question, or nothing (a need) — loaded and
 * checked once, for the form, the read-back, the confirmation message and the record itself.
 */
import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import {
  type Locale,
  type LocalizedText,
  type ProxyRecordKind,
  type QuestionKind,
  SATISFACTION_LEVELS,
  surveyQuestions,
  surveys,
  type TopicStatus,
} from '../db/schema.ts';
import type { Translate } from '../i18n/i18n.ts';
import { OPEN_FOR_OPINIONS, OPEN_FOR_VOTES } from '../pipeline/ingest.ts';
import { findTopicByCode } from '../topics/find-topic-by-code.ts';
import { fieldProblem } from './proxy-input.ts';
import { localizedText, type ReadBackSubject } from './read-back.ts';

export interface SubjectTopic {
  id: string;
  code: string;
  title: LocalizedText;
  status: TopicStatus;
}

export interface SubjectQuestion {
  id: string;
  position: number;
  kind: QuestionKind;
  prompt: LocalizedText;
}

export type RecordSubject =
  | { kind: 'opinion' | 'vote'; topic: SubjectTopic }
  | { kind: 'need' }
  | {
      kind: 'survey_answer';
      survey: { id: string; code: string; topicId: string | null };
      question: SubjectQuestion;
    };

const SURVEY_CODE = /^s\s*(\d{1,9})$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Loads the topic or survey question a record is about and checks it is open to this kind of record
 * (opinions while a topic is published or deliberated; votes while it is deliberated, which is when
 * the gateway takes remote votes). Field problems name `topic`, `survey` or `question`.
 */
export async function loadRecordSubject(
  ctx: Ctx,
  input: {
    kind: ProxyRecordKind;
    topicRef?: string | undefined;
    surveyRef?: string | undefined;
    questionRef?: string | undefined;
  },
): Promise<RecordSubject> {
  switch (input.kind) {
    case 'need':
      return { kind: 'need' };
    case 'opinion':
    case 'vote': {
      const ref = input.topicRef?.trim();
      if (!ref) throw fieldProblem('topic', 'proxy:errors.topicRequired');
      const topic = await findTopicByCode(ctx.db, ref);
      if (!topic) throw fieldProblem('topic', 'proxy:errors.topicNotFound', { topicCode: ref });
      const open = input.kind === 'opinion' ? OPEN_FOR_OPINIONS : OPEN_FOR_VOTES;
      if (!open.includes(topic.status)) {
        throw fieldProblem(
          'topic',
          input.kind === 'opinion' ? 'proxy:errors.topicNotOpen' : 'proxy:errors.votingNotOpen',
          {
            topicCode: topic.code,
          },
        );
      }
      return {
        kind: input.kind,
        topic: { id: topic.id, code: topic.code, title: topic.title, status: topic.status },
      };
    }
    case 'survey_answer': {
      const number = SURVEY_CODE.exec((input.surveyRef ?? '').normalize('NFKC').trim())?.[1];
      if (!number) throw fieldProblem('survey', 'proxy:errors.surveyRequired');
      const [survey] = await ctx.db
        .select({ id: surveys.id, code: surveys.code, topicId: surveys.topicId })
        .from(surveys)
        .where(eq(surveys.number, Number.parseInt(number, 10)));
      if (!survey) throw fieldProblem('survey', 'proxy:errors.surveyNotFound');
      const questionRef = input.questionRef?.trim() ?? '';
      if (!UUID.test(questionRef)) throw fieldProblem('question', 'proxy:errors.questionRequired');
      const [question] = await ctx.db
        .select({
          id: surveyQuestions.id,
          position: surveyQuestions.position,
          kind: surveyQuestions.kind,
          prompt: surveyQuestions.prompt,
        })
        .from(surveyQuestions)
        .where(and(eq(surveyQuestions.surveyId, survey.id), eq(surveyQuestions.id, questionRef)));
      if (!question) throw fieldProblem('question', 'proxy:errors.questionRequired');
      return { kind: 'survey_answer', survey, question };
    }
  }
}

/** The answer choices of a survey question by stored value, named in the translator's language. */
export function surveyAnswerNames(t: Translate, kind: QuestionKind): Record<string, string> {
  switch (kind) {
    case 'satisfaction':
      return Object.fromEntries(SATISFACTION_LEVELS.map((l) => [l, t(`proxy:surveyAnswer.${l}`)]));
    case 'yes_no':
      return { yes: t('proxy:surveyAnswer.yes'), no: t('proxy:surveyAnswer.no') };
    case 'text':
      return {};
  }
}

/** What the read-back needs to know about the subject, in the resident's language. */
export function readBackSubjectOf(subject: RecordSubject, t: Translate, locale: Locale): ReadBackSubject {
  switch (subject.kind) {
    case 'opinion':
    case 'vote':
      return {
        kind: subject.kind,
        topicCode: subject.topic.code,
        topicTitle: localizedText(subject.topic.title, locale),
      };
    case 'need':
      return { kind: 'need' };
    case 'survey_answer':
      return {
        kind: 'survey_answer',
        surveyCode: subject.survey.code,
        question: localizedText(subject.question.prompt, locale),
        questionKind: subject.question.kind,
        answers: surveyAnswerNames(t, subject.question.kind),
      };
  }
}
