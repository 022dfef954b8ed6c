/**
 * The read-back: exactly what will be submitted, in the resident's language, shown in large text and
 * read aloud before the proxy submits. The wording comes from templates with `{text}` and `{place}`
 * where the resident's words go; the console's script receives the same templates, so what the phone
 * reads out offline and what the server composes are one text (the server refuses a record whose
 * read-back differs).
 */
import type { Locale, LocalizedText, QuestionKind, Stance } from '../db/schema.ts';
import type { Translate } from '../i18n/i18n.ts';

export const VOTE_CHOICES = ['support', 'oppose', 'abstain'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export interface ReadBackTemplates {
  /** A first line saying the record corrects an earlier one. */
  prefix?: string;
  /** The line(s) for each choice; the key '' when the record has no choice (a need, a written answer). */
  lines: Record<string, string>;
  /** The resident's words, `{text}` marking where they go. */
  text?: string;
  /** Where a need is, `{place}` marking where it goes. */
  place?: string;
}

export interface ReadBackValues {
  choice?: string | undefined;
  text?: string | undefined;
  place?: string | undefined;
}

export type ReadBackSubject =
  | { kind: 'opinion'; topicCode: string; topicTitle: string }
  | { kind: 'vote'; topicCode: string; topicTitle: string }
  | { kind: 'need' }
  | {
      kind: 'survey_answer';
      surveyCode: string;
      question: string;
      questionKind: QuestionKind;
      /** The answer choices' names, by stored value. */
      answers: Record<string, string>;
    };

const TEXT = '{text}';
const PLACE = '{place}';

/** The text in `locale`, else any language it has. */
export function localizedText(text: LocalizedText | null | undefined, locale: Locale): string {
  if (!text) return '';
  return text[locale] ?? text['zh-CN'] ?? text['zh-HK'] ?? text.en ?? '';
}

/** The read-back templates for one kind of record, in the translator's (the resident's) language. */
export function readBackTemplates(
  t: Translate,
  subject: ReadBackSubject,
  options: { correction?: boolean } = {},
): ReadBackTemplates {
  const prefix = options.correction ? { prefix: t('proxy:readBack.correction') } : {};
  switch (subject.kind) {
    case 'opinion': {
      const params = { topicCode: subject.topicCode, title: subject.topicTitle };
      return {
        ...prefix,
        lines: {
          support: t('proxy:readBack.opinion.support', params),
          oppose: t('proxy:readBack.opinion.oppose', params),
          suggestion: t('proxy:readBack.opinion.suggestion', params),
        },
        text: t('proxy:readBack.words', { text: TEXT }),
      };
    }
    case 'vote': {
      const params = { topicCode: subject.topicCode, title: subject.topicTitle };
      return {
        ...prefix,
        lines: Object.fromEntries(VOTE_CHOICES.map((c) => [c, t(`proxy:readBack.vote.${c}`, params)])),
      };
    }
    case 'need':
      return {
        ...prefix,
        lines: { '': t('proxy:readBack.need') },
        text: t('proxy:readBack.words', { text: TEXT }),
        place: t('proxy:readBack.place', { place: PLACE }),
      };
    case 'survey_answer': {
      const head = t('proxy:readBack.survey', { surveyCode: subject.surveyCode, question: subject.question });
      if (subject.questionKind === 'text') {
        return { ...prefix, lines: { '': head }, text: t('proxy:readBack.answerText', { text: TEXT }) };
      }
      return {
        ...prefix,
        lines: Object.fromEntries(
          Object.entries(subject.answers).map(([value, label]) => [
            value,
            `${head}\n${t('proxy:readBack.answer', { answer: label })}`,
          ]),
        ),
      };
    }
  }
}

/**
 * The read-back for these values, or undefined when the choice is not one the templates know.
 * Empty text or place leaves its line out. Mirrored line for line by the console's script.
 */
export function applyReadBack(templates: ReadBackTemplates, values: ReadBackValues): string | undefined {
  const choice = values.choice ?? '';
  const line = templates.lines[choice];
  if (line === undefined) return undefined;
  const text = values.text?.trim() ?? '';
  const place = values.place?.trim() ?? '';
  const out: string[] = [];
  if (templates.prefix) out.push(templates.prefix);
  out.push(line);
  if (templates.text && text) out.push(templates.text.split(TEXT).join(text));
  if (templates.place && place) out.push(templates.place.split(PLACE).join(place));
  return out.join('\n');
}

/** Line endings and trailing spaces as a browser may send them do not make two read-backs differ. */
export function sameReadBack(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((l) => l.trim())
      .join('\n')
      .trim();
  return norm(a) === norm(b);
}

/** Names of a stance for lists and summaries. */
export function isStance(value: string | undefined): value is Stance {
  return value === 'support' || value === 'oppose' || value === 'suggestion';
}
