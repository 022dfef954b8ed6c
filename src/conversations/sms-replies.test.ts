import { describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../db/schema.ts';
import { getI18n, loadResources } from '../i18n/i18n.ts';
import { countSmsSegments } from './count-sms-segments.ts';
import { renderSurveyQuestion } from './render-survey-question.ts';

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

const resources = loadResources();
const zh = resources['zh-CN'] as Record<string, Tree>;
const i18n = getI18n();

// What the SMS channel can send back: the conversation's replies and the pipeline's acknowledgements.
const REPLY_KEYS = [
  ...keys(zh.sms ?? {})
    .filter((k) => !k.startsWith('inbound.') && !k.startsWith('prompt.') && !k.startsWith('question.'))
    .map((k) => `sms:${k}`),
  ...keys(zh.pipeline ?? {})
    .filter((k) => !k.startsWith('error.'))
    .map((k) => `pipeline:${k}`),
];

const LONG_PROMPT: Record<Locale, string> = {
  'zh-CN': '您对3号楼加装电梯工程的施工进度、安全措施和噪音控制总体是否满意？',
  'zh-HK': '您對3號樓加裝電梯工程的施工進度、安全措施和噪音控制整體是否滿意？',
  en: 'Overall, how satisfied are you with the progress, safety and noise control of the lift works in block 3?',
};

function paramsFor(key: string, locale: Locale): Record<string, string | number> {
  const t = i18n.forLocale(locale);
  const params: Record<string, string | number> = {
    helpPhone: '0755-12345678',
    topicCode: 'T1024',
    surveyRef: 'S128',
    stance: 'support',
    choice: 'support',
  };
  if (t(key, { ...params, question: '{{question}}' }).includes('{{question}}')) {
    params.question = renderSurveyQuestion(t, { kind: 'satisfaction', prompt: LONG_PROMPT }, locale, 2, 3, {
      within: (q) => t(key, { ...params, question: q }),
    });
  }
  return params;
}

describe('SMS replies', () => {
  it('covers the conversation’s replies', () => {
    expect(REPLY_KEYS).toEqual(
      expect.arrayContaining([
        'sms:survey.next',
        'sms:clarify.satisfaction',
        'sms:help.menu',
        'pipeline:opinion.support',
      ]),
    );
  });

  it.each(LOCALES.flatMap((locale) => REPLY_KEYS.map((key) => [locale, key] as const)))(
    '%s %s never takes more than two segments',
    (locale, key) => {
      const text = i18n.forLocale(locale)(key, paramsFor(key, locale));
      expect(text).not.toContain('{{');
      expect(text).not.toBe(key);
      expect(countSmsSegments(text).segments).toBeLessThanOrEqual(2);
    },
  );

  it.each(LOCALES)('in %s, every reply that carries no question fits one segment', (locale) => {
    const t = i18n.forLocale(locale);
    const long = REPLY_KEYS.filter((key) => {
      const params = paramsFor(key, locale);
      return params.question === undefined && countSmsSegments(t(key, params)).segments > 1;
    });
    expect(long).toEqual([]);
  });
});
