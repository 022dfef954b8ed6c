/**
 * What an outbound call says before its questions: who is calling, the campaign's own words, and for
 * a survey how many questions follow. The same staff-written template as the SMS, minus what only
 * makes sense in a text (the 【sender】 tag, "reply TD to unsubscribe"); the survey questions are asked
 * one by one by the call itself, so they are not part of it. Rendered once per template locale.
 */
import { LOCALES, type Locale, type LocalizedText } from '../db/schema.ts';
import type { I18n } from '../i18n/i18n.ts';
import {
  type CampaignMessageFacts,
  joinSentences,
  renderInLocale,
  templateLocaleFor,
} from '../outreach/campaign-message.ts';

export interface CallMessage {
  /** The language it is spoken in (the resident's own, else the fallback template's). */
  locale: Locale;
  body: string;
}

const SENDER_TAG = /【[^】\n]*】|^\[[^\]\n]*\]\s*/g;
/**
 * Sentences telling the reader to text something back (回1, 回复, 退订回TD, Reply TD): a call cannot
 * be answered by text, and asks for its own keys instead.
 */
const REPLY_SENTENCE = /(?<![A-Za-z])TD(?![A-Za-z])|退订|退訂|回复|回覆|回\s*[0-9０-９]|\breply\b|\btext\b/i;
// After Chinese sentence marks, or a full stop followed by a space (not the dot in "12.5").
const SENTENCE_BREAK = /(?<=[。！？!?；;\n])|(?<=\.)(?=\s)/u;

function localized(text: LocalizedText | undefined, locale: Locale): string | undefined {
  if (!text) return undefined;
  return text[locale] ?? text['zh-CN'] ?? text['zh-HK'] ?? text.en;
}

/** A text message made speakable: no bracketed sender tag, no sentence asking for a text reply. */
export function spokenText(text: string): string {
  const untagged = text.replace(SENDER_TAG, ' ');
  return untagged
    .split(SENTENCE_BREAK)
    .filter((s) => !REPLY_SENTENCE.test(s))
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+(?=[\p{Script=Han}，。！？；、])|(?<=[\p{Script=Han}，。！？；、])\s+/gu, '')
    .trim();
}

/** The name of the hall calling, as the SMS sender tag names it. */
export function hallName(i18n: I18n, community: LocalizedText | undefined, locale: Locale): string {
  const t = i18n.forLocale(locale);
  const name = localized(community, locale);
  return name ? t('outreach:hall', { community: name }) : t('outreach:defaultHall');
}

/** The call's opening in one template locale. */
export function renderCallMessageInLocale(
  i18n: I18n,
  facts: CampaignMessageFacts,
  locale: Locale,
): CallMessage {
  const t = i18n.forLocale(locale);
  // The SMS rendering interpolates the template exactly as staff saw it previewed; only the survey's
  // first question is left out (the call asks it itself).
  const { survey: _survey, ...withoutSurvey } = facts;
  const text = spokenText(renderInLocale(i18n, { ...withoutSurvey, kind: 'notice' }, locale).body);
  let body = joinSentences(
    t('calls:greeting', { hall: hallName(i18n, facts.community, locale) }),
    text,
    locale,
  );
  if (facts.kind === 'survey' && facts.survey) {
    const count = facts.survey.questionCount;
    const intro = count === 1 ? t('calls:surveyIntroOne') : t('calls:surveyIntroMany', { count });
    body = joinSentences(body, intro, locale);
  }
  return { locale, body };
}

/** The call's opening for residents of each locale, each template locale rendered once. */
export function renderCallMessages(
  i18n: I18n,
  facts: CampaignMessageFacts,
  defaultLocale: Locale,
): Record<Locale, CallMessage> {
  const byTemplate = new Map<Locale, CallMessage>();
  const out = {} as Record<Locale, CallMessage>;
  for (const locale of LOCALES) {
    const templateLocale = templateLocaleFor(facts.templates, locale, defaultLocale);
    let rendered = byTemplate.get(templateLocale);
    if (!rendered) {
      rendered = renderCallMessageInLocale(i18n, facts, templateLocale);
      byTemplate.set(templateLocale, rendered);
    }
    out[locale] = rendered;
  }
  return out;
}
