import { describe, expect, it } from 'vitest';
import { LOCALES, QUESTION_KINDS } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import { countSmsSegments, fitsSegments } from './count-sms-segments.ts';
import { renderSurveyQuestion, SATISFACTION_KEYS } from './render-survey-question.ts';

const i18n = getI18n();

describe('renderSurveyQuestion', () => {
  it('gives a satisfaction question its keys, 1 very satisfied to 5 very dissatisfied, and 0 to skip', () => {
    const text = renderSurveyQuestion(
      i18n.forLocale('zh-CN'),
      { kind: 'satisfaction', prompt: { 'zh-CN': '您对加装电梯满意吗？' } },
      'zh-CN',
      1,
      3,
    );
    expect(text).toBe(
      '（1/3）您对加装电梯满意吗？非常满意回1，满意回2，基本满意回3，不满意回4，很不满意回5，跳过回0',
    );
    expect(countSmsSegments(text)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(SATISFACTION_KEYS).toEqual({
      1: 'very_satisfied',
      2: 'satisfied',
      3: 'basically_satisfied',
      4: 'dissatisfied',
      5: 'very_dissatisfied',
    });
  });

  it('leaves out the position when the survey has one question', () => {
    const t = i18n.forLocale('zh-HK');
    expect(
      renderSurveyQuestion(t, { kind: 'yes_no', prompt: { 'zh-HK': '電梯好用嗎？' } }, 'zh-HK', 1, 1),
    ).toBe('電梯好用嗎？是回1，否回2，跳過回0');
  });

  it('invites a free reply to an open question, in English within the GSM alphabet', () => {
    const text = renderSurveyQuestion(
      i18n.forLocale('en'),
      { kind: 'text', prompt: { en: 'Any other suggestions?', 'zh-CN': '还有建议吗？' } },
      'en',
      3,
      3,
    );
    expect(text).toBe('(3/3) Any other suggestions? Reply in your own words, or 0 to skip.');
    expect(countSmsSegments(text).encoding).toBe('GSM-7');
  });

  it('falls back to the Simplified prompt when the resident’s language has none', () => {
    const text = renderSurveyQuestion(
      i18n.forLocale('zh-HK'),
      { kind: 'satisfaction', prompt: { 'zh-CN': '满意吗？' } },
      'zh-HK',
      1,
      1,
    );
    expect(text.startsWith('满意吗？非常滿意回1')).toBe(true);
  });

  it.each(LOCALES.flatMap((locale) => QUESTION_KINDS.map((kind) => [locale, kind] as const)))(
    'shortens a long %s %s prompt so that the message fits two segments',
    (locale, kind) => {
      const prompt =
        locale === 'en'
          ? 'How do you rate the works? '.repeat(20)
          : '您对这次加装电梯的施工安排和质量是否满意'.repeat(10);
      const text = renderSurveyQuestion(
        i18n.forLocale(locale),
        { kind, prompt: { [locale]: prompt } },
        locale,
        2,
        3,
      );
      expect(fitsSegments(text, 2)).toBe(true);
      expect(text).toMatch(locale === 'en' ? /\.\.\. Reply/ : /…/);
      expect(text.length).toBeGreaterThan(60);
    },
  );

  it('leaves room for the words around the question', () => {
    const t = i18n.forLocale('zh-CN');
    const question = { kind: 'satisfaction' as const, prompt: { 'zh-CN': '请问'.repeat(60) } };
    const within = (q: string) => t('sms:survey.next', { question: q });
    const text = renderSurveyQuestion(t, question, 'zh-CN', 2, 3, { within });
    expect(fitsSegments(within(text), 2)).toBe(true);
    expect(fitsSegments(renderSurveyQuestion(t, question, 'zh-CN', 2, 3), 2)).toBe(true);
    expect(text.length).toBeLessThan(renderSurveyQuestion(t, question, 'zh-CN', 2, 3).length);
  });
});
