/**
 * The message that asks a resident to confirm what was submitted for them: who wrote it, when, and
 * what it says, short enough for one or two SMS parts; a spoken version for residents who cannot read.
 */

import type { Locale } from '../db/schema.ts';
import type { Translate } from '../i18n/i18n.ts';
import { formatShortDate } from '../outreach/campaign-message.ts';

/** What a record says, in the few words a confirmation message has room for. */
export type SummarySubject =
  | { kind: 'opinion'; topicCode: string; topicTitle: string; stance: string; text: string | null }
  | { kind: 'vote'; topicCode: string; topicTitle: string; choice: string }
  | { kind: 'need'; text: string }
  | { kind: 'survey_answer'; surveyCode: string; answer: string };

export const SUMMARY_TITLE_MAX = 12;
export const SUMMARY_TEXT_MAX = 20;

function shorten(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** "支持T23加装电梯", "反映：楼道灯坏了" — the record in a phrase. */
export function confirmationSummary(t: Translate, s: SummarySubject): string {
  switch (s.kind) {
    case 'opinion':
      return s.stance === 'suggestion'
        ? t('proxy:confirm.summary.suggestion', {
            topicCode: s.topicCode,
            text: shorten(s.text ?? '', SUMMARY_TEXT_MAX),
          })
        : t(`proxy:confirm.summary.${s.stance === 'oppose' ? 'oppose' : 'support'}`, {
            topicCode: s.topicCode,
            title: shorten(s.topicTitle, SUMMARY_TITLE_MAX),
          });
    case 'vote':
      return t('proxy:confirm.summary.vote', {
        topicCode: s.topicCode,
        choice: t(`proxy:voteChoice.${s.choice}`),
      });
    case 'need':
      return t('proxy:confirm.summary.need', { text: shorten(s.text, SUMMARY_TEXT_MAX) });
    case 'survey_answer':
      return t('proxy:confirm.summary.survey', {
        surveyCode: s.surveyCode,
        answer: shorten(s.answer, SUMMARY_TEXT_MAX),
      });
  }
}

/** The date in the hall's time zone as a YYYY-MM-DD string. */
function isoDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

export interface ConfirmationFacts {
  hall: string;
  proxyName: string;
  recordedAt: Date;
  timeZone: string;
  summary: string;
}

/** "【幸福里社区议事堂】网格员王丽11月27日代您提交：支持T23加装电梯。属实回1，有误回2。退订回TD" */
export function confirmationSms(t: Translate, locale: Locale, f: ConfirmationFacts): string {
  return t('proxy:confirm.sms', {
    hall: f.hall,
    proxy: f.proxyName,
    date: formatShortDate(isoDay(f.recordedAt, f.timeZone), locale),
    summary: f.summary,
  });
}

/** The same for a phone call: read out, answered with a key or a word. */
export function confirmationSpeech(t: Translate, locale: Locale, f: ConfirmationFacts): string {
  return t('proxy:confirm.voice', {
    hall: f.hall,
    proxy: f.proxyName,
    date: formatShortDate(isoDay(f.recordedAt, f.timeZone), locale),
    summary: f.summary,
  });
}
