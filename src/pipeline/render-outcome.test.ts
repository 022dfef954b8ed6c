import { describe, expect, it } from 'vitest';
import { LOCALES } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import type { Outcome } from './outcome.ts';
import { renderOutcome } from './render-outcome.ts';

// Every key `ingest` can put in an outcome.
const OUTCOME_KEYS: [Outcome['kind'], string][] = [
  ['opinion', 'pipeline:opinion.support'],
  ['opinion', 'pipeline:opinion.oppose'],
  ['opinion', 'pipeline:opinion.suggestion'],
  ['opinion', 'pipeline:opinion.topicNotOpen'],
  ['vote', 'pipeline:vote.recorded'],
  ['vote', 'pipeline:vote.topicNotOpen'],
  ['survey_answer', 'pipeline:survey.recorded'],
  ['demand', 'pipeline:demand.recorded'],
  ['opt_out', 'pipeline:optOut.sms'],
  ['opt_out', 'pipeline:optOut.voice'],
  ['opt_out', 'pipeline:optOut.noResident'],
  ['opt_in', 'pipeline:optIn.sms'],
  ['opt_in', 'pipeline:optIn.voice'],
  ['opt_in', 'pipeline:optIn.noResident'],
  ['help', 'pipeline:help.menu'],
  ['unclassified', 'pipeline:unclassified.kept'],
  ['unclassified', 'pipeline:unclassified.unknownTopic'],
  ['unclassified', 'pipeline:unclassified.topicOnly'],
  ['unclassified', 'pipeline:unclassified.noTopicCode'],
];

// Long but realistic values, so the length check means something.
const PARAMS = {
  topicCode: 'T1234',
  stance: 'support',
  choice: 'support',
  surveyRef: 'campaign-12',
  helpPhone: '0755-12345678',
};

const cases = LOCALES.flatMap((locale) =>
  OUTCOME_KEYS.map(([kind, messageKey]) => ({ locale, kind, messageKey })),
);

describe('renderOutcome', () => {
  it.each(cases)('renders $messageKey in $locale', ({ locale, kind, messageKey }) => {
    const text = renderOutcome(getI18n(), { kind, messageKey, params: PARAMS, locale });
    expect(getI18n().instance.exists(messageKey, { lng: locale, fallbackLng: false })).toBe(true);
    expect(text).not.toContain('{{');
    expect(text).not.toContain(messageKey.split(':')[1]);
    if (
      messageKey.includes('topicOnly') ||
      messageKey.includes('unknownTopic') ||
      messageKey.startsWith('pipeline:opinion')
    ) {
      expect(text).toContain('T1234');
    }
    if (messageKey === 'pipeline:help.menu' || messageKey === 'pipeline:unclassified.kept') {
      expect(text).toContain('0755-12345678');
    }
    // One SMS segment in Chinese is 70 characters.
    if (locale !== 'en') expect([...text].length).toBeLessThanOrEqual(70);
    else expect(text.length).toBeLessThanOrEqual(160);
  });

  it('renders the same outcome differently per locale', () => {
    const outcome: Outcome = {
      kind: 'demand',
      messageKey: 'pipeline:demand.recorded',
      params: {},
      locale: 'zh-CN',
    };
    const texts = LOCALES.map((locale) => renderOutcome(getI18n(), { ...outcome, locale }));
    expect(new Set(texts).size).toBe(3);
  });
});
