/**
 * How a campaign's message is put together: the staff-written template per locale, interpolated with
 * i18next, the first survey question for surveys, and — always — who sends it (【…】) and how to opt
 * out, added when the template lacks them. Rendered once per locale, never per resident.
 */
import { asc, eq } from 'drizzle-orm';
import { countSmsSegments } from '../conversations/count-sms-segments.ts';
import type { SmsSegmentCount } from '../conversations/interpretation.ts';
import { renderSurveyQuestion } from '../conversations/render-survey-question.ts';
import { ServiceError } from '../core/errors.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  type CampaignKind,
  communities,
  LOCALES,
  type Locale,
  type LocalizedText,
  surveyQuestions,
  surveys,
  topics,
} from '../db/schema.ts';
import type { I18n } from '../i18n/i18n.ts';

/** The values a template may use, e.g. `{{topicCode}}`. */
export const TEMPLATE_VARIABLES = [
  'hall',
  'topicCode',
  'topicTitle',
  'publicationEndsOn',
  'resultDueOn',
  'surveyCode',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** More segments than this costs residents (and the hall) too much and is refused. */
export const MAX_SEGMENTS = 3;

const PLACEHOLDER = /\{\{\s*([^}\s]+)\s*\}\}/g;
// 【…】 in Chinese; in English square brackets at the start, which keep a Latin message in the GSM
// alphabet (160 characters a segment instead of 70).
const SENDER_TAG = /【[^】\n]+】|^\[[^\]\n]+\]/;
// The opt-out keyword residents reply with; counts only as a word of its own ("退订回TD", "Reply TD").
const OPT_OUT_KEYWORD = /(?<![A-Za-z])TD(?![A-Za-z])/;

/** The placeholder names a template uses. */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** 12月8日 in Chinese, 8 Dec in English: short enough for an SMS, unambiguous for the reader. */
export function formatShortDate(isoDate: string, locale: Locale): string {
  const [, month, day] = isoDate.split('-').map((part) => Number.parseInt(part, 10));
  if (!month || !day) return isoDate;
  if (locale === 'en') {
    const name = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2000, month - 1, 1)),
    );
    return `${day} ${name}`;
  }
  return `${month}月${day}日`;
}

const SENTENCE_END = /[。．.!！?？…]$/;

/** Joins two sentences the way the language does: no space in Chinese, one in English. */
export function joinSentences(first: string, second: string, locale: Locale): string {
  const a = first.trim();
  const b = second.trim();
  if (!a) return b;
  if (!b) return a;
  const closed = SENTENCE_END.test(a) || /[，,；;：:]$/.test(a) ? a : `${a}${locale === 'en' ? '.' : '。'}`;
  return locale === 'en' ? `${closed} ${b}` : `${closed}${b}`;
}

/** Prepends the sender tag and appends the opt-out hint unless the text already has them. */
export function withSenderAndOptOut(
  text: string,
  parts: { senderTag: string; optOutHint: string; locale: Locale },
): string {
  let body = text.trim();
  if (!SENDER_TAG.test(body)) body = `${parts.senderTag}${body}`.trim();
  if (!OPT_OUT_KEYWORD.test(body)) body = joinSentences(body, parts.optOutHint, parts.locale);
  return body;
}

function localized(text: LocalizedText | null | undefined, locale: Locale): string | undefined {
  if (!text) return undefined;
  return text[locale] ?? text['zh-CN'] ?? text['zh-HK'] ?? text.en;
}

/** The facts a campaign's message draws on, loaded once per rendering. */
export interface CampaignMessageFacts {
  kind: CampaignKind;
  templates: LocalizedText;
  topic?: {
    code: string;
    title: LocalizedText;
    publicationEndsOn: string | null;
    resultDueOn: string | null;
  };
  /** The community the hall belongs to, for the sender tag. */
  community?: LocalizedText;
  survey?: {
    code: string;
    firstQuestion: typeof surveyQuestions.$inferSelect;
    questionCount: number;
  };
  /** Shortens the topic title (with …) so that an automatic message fits; staff templates never are. */
  maxTopicTitleLength?: number;
}

/**
 * Loads what a campaign's message refers to. The hall is the topic's community, else the only community
 * of the audience, else the installation's own name.
 */
export async function loadCampaignMessageFacts(
  db: DbOrTx,
  campaign: {
    kind: CampaignKind;
    templates: LocalizedText;
    topicId: string | null;
    surveyId: string | null;
    audience: { communityIds?: string[] | undefined };
  },
): Promise<CampaignMessageFacts> {
  const facts: CampaignMessageFacts = { kind: campaign.kind, templates: campaign.templates };
  let communityId: string | null | undefined;
  if (campaign.topicId) {
    const [topic] = await db.select().from(topics).where(eq(topics.id, campaign.topicId)).limit(1);
    if (topic) {
      facts.topic = {
        code: topic.code,
        title: topic.title,
        publicationEndsOn: topic.publicationEndsOn,
        resultDueOn: topic.resultDueOn,
      };
      communityId = topic.communityId;
    }
  }
  if (!communityId && campaign.audience.communityIds?.length === 1) {
    communityId = campaign.audience.communityIds[0];
  }
  if (communityId) {
    const [community] = await db
      .select({ name: communities.name })
      .from(communities)
      .where(eq(communities.id, communityId))
      .limit(1);
    if (community) facts.community = community.name;
  }
  if (campaign.surveyId) {
    const [survey] = await db
      .select({ code: surveys.code })
      .from(surveys)
      .where(eq(surveys.id, campaign.surveyId))
      .limit(1);
    const questions = await db
      .select()
      .from(surveyQuestions)
      .where(eq(surveyQuestions.surveyId, campaign.surveyId))
      .orderBy(asc(surveyQuestions.position));
    const [firstQuestion] = questions;
    if (survey && firstQuestion) {
      facts.survey = { code: survey.code, firstQuestion, questionCount: questions.length };
    }
  }
  return facts;
}

export interface RenderedMessage {
  /** The language the text is in (a resident's own, else the fallback template's). */
  locale: Locale;
  body: string;
  size: SmsSegmentCount;
}

function truncate(text: string, max: number | undefined): string {
  if (max === undefined) return text;
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** The template to use for residents preferring `locale`: their own, else the default's, else any. */
export function templateLocaleFor(templates: LocalizedText, locale: Locale, defaultLocale: Locale): Locale {
  if (templates[locale]?.trim()) return locale;
  if (templates[defaultLocale]?.trim()) return defaultLocale;
  return LOCALES.find((l) => templates[l]?.trim()) ?? defaultLocale;
}

/** Renders the message in one template locale. */
export function renderInLocale(i18n: I18n, facts: CampaignMessageFacts, locale: Locale): RenderedMessage {
  const t = i18n.forLocale(locale);
  const communityName = localized(facts.community, locale);
  const hall = communityName ? t('outreach:hall', { community: communityName }) : t('outreach:defaultHall');
  const values: Record<TemplateVariable, string> = {
    hall,
    topicCode: facts.topic?.code ?? '',
    topicTitle: truncate(localized(facts.topic?.title, locale) ?? '', facts.maxTopicTitleLength),
    publicationEndsOn: facts.topic?.publicationEndsOn
      ? formatShortDate(facts.topic.publicationEndsOn, locale)
      : '',
    resultDueOn: facts.topic?.resultDueOn ? formatShortDate(facts.topic.resultDueOn, locale) : '',
    surveyCode: facts.survey?.code ?? '',
  };
  const template = facts.templates[locale] ?? '';
  const interpolator = i18n.instance.services.interpolator;
  let text = interpolator.interpolate(template, values, locale, {}).trim();
  if (facts.kind === 'survey' && facts.survey) {
    const question = renderSurveyQuestion(
      t,
      facts.survey.firstQuestion,
      locale,
      1,
      facts.survey.questionCount,
    );
    text = joinSentences(text, question, locale);
  }
  const body = withSenderAndOptOut(text, {
    senderTag: t('outreach:senderTag', { hall }),
    optOutHint: t('outreach:optOutHint'),
    locale,
  });
  return { locale, body, size: countSmsSegments(body) };
}

/**
 * The message for residents of each locale, each template locale rendered once. Residents whose
 * language has no template get the default language's text.
 */
export function renderCampaignMessages(
  i18n: I18n,
  facts: CampaignMessageFacts,
  defaultLocale: Locale,
): Record<Locale, RenderedMessage> {
  const byTemplate = new Map<Locale, RenderedMessage>();
  const out = {} as Record<Locale, RenderedMessage>;
  for (const locale of LOCALES) {
    const templateLocale = templateLocaleFor(facts.templates, locale, defaultLocale);
    let rendered = byTemplate.get(templateLocale);
    if (!rendered) {
      rendered = renderInLocale(i18n, facts, templateLocale);
      byTemplate.set(templateLocale, rendered);
    }
    out[locale] = rendered;
  }
  return out;
}

/** The distinct messages (one per template locale actually used), for previews and size checks. */
export function distinctMessages(messages: Record<Locale, RenderedMessage>): RenderedMessage[] {
  const seen = new Map<Locale, RenderedMessage>();
  for (const m of Object.values(messages)) seen.set(m.locale, m);
  return [...seen.values()];
}

/** Refuses a message longer than MAX_SEGMENTS SMS segments, naming the language and the count. */
export function assertFitsSegments(messages: readonly RenderedMessage[], field = 'templates'): void {
  const tooLong = messages.find((m) => m.size.segments > MAX_SEGMENTS);
  if (!tooLong) return;
  const params = {
    language: tooLong.locale,
    segments: tooLong.size.segments,
    units: tooLong.size.units,
    max: MAX_SEGMENTS,
  };
  throw new ServiceError('validation_failed', 'outreach:errors.tooManySegments', {
    params,
    fields: [{ field: `${field}.${tooLong.locale}`, key: 'outreach:errors.tooManySegments', params }],
  });
}
