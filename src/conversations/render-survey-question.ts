import type { Locale, LocalizedText, QuestionKind } from '../db/schema.ts';
import type { Translate } from '../i18n/i18n.ts';
import { fitsSegments } from './count-sms-segments.ts';

export { SATISFACTION_KEYS, SKIPPED_ANSWER, YES_NO_KEYS } from './survey-choices.ts';

/** A survey question never takes more than this many SMS parts, whatever staff wrote. */
export const MAX_QUESTION_SEGMENTS = 2;

const HINT_KEY: Record<QuestionKind, string> = {
  satisfaction: 'sms:question.satisfaction',
  yes_no: 'sms:question.yesNo',
  text: 'sms:question.text',
};

export interface RenderSurveyQuestionOptions {
  /**
   * The message the question will be placed in (e.g. "已记录。" before it); the question is shortened
   * so that the whole message fits. Defaults to the question alone.
   */
  within?: (question: string) => string;
}

function localized(text: LocalizedText, locale: Locale): string {
  return (text[locale] ?? text['zh-CN'] ?? text['zh-HK'] ?? text.en ?? '').trim();
}

/**
 * A survey question as one SMS: its position when there are several ("（2/3）"), the prompt in the
 * resident's language, and how to answer (满意回1 … 跳过回0). A long prompt is shortened with "…" so
 * that the message never exceeds two UCS-2 segments.
 */
export function renderSurveyQuestion(
  t: Translate,
  question: { kind: QuestionKind; prompt: LocalizedText },
  locale: Locale,
  position: number,
  total: number,
  options: RenderSurveyQuestionOptions = {},
): string {
  const within = options.within ?? ((q: string) => q);
  const progress = total > 1 ? t('sms:question.progress', { position, total }) : '';
  const compose = (prompt: string) => `${progress}${t(HINT_KEY[question.kind], { prompt })}`;
  const prompt = localized(question.prompt, locale);
  const full = compose(prompt);
  if (fitsSegments(within(full), MAX_QUESTION_SEGMENTS)) return full;

  // The longest prefix of the prompt that still fits, found by halving. English stays in the GSM
  // alphabet (160 characters a part) only with a plain-dot ellipsis.
  const ellipsis = locale === 'en' ? '...' : '…';
  const chars = [...prompt];
  let low = 0;
  let high = chars.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const candidate = compose(`${chars.slice(0, mid).join('')}${ellipsis}`);
    if (fitsSegments(within(candidate), MAX_QUESTION_SEGMENTS)) low = mid;
    else high = mid - 1;
  }
  return compose(`${chars.slice(0, low).join('')}${ellipsis}`);
}
