import { describe, expect, it } from 'vitest';
import type { Locale } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import type { PendingPrompt, PromptQuestion } from './get-pending-prompt.ts';
import { interpretReply } from './interpret-reply.ts';
import { type Resolution, type ResolveReplyInput, resolveReply } from './resolve-reply.ts';

const topic = { id: '00000000-0000-4000-8000-000000000023', code: 'T23', status: 'published' as const };
const survey = { id: '00000000-0000-4000-8000-000000000007', code: 'S7', questionCount: 3 };

function question(ordinal: number, kind: PromptQuestion['kind']): PromptQuestion {
  return {
    id: `00000000-0000-4000-8000-00000000010${ordinal}`,
    ordinal,
    position: ordinal,
    kind,
    prompt: { 'zh-CN': `第${ordinal}题？`, en: `Question ${ordinal}?` },
  };
}

const base = {
  residentId: '00000000-0000-4000-8000-000000000001',
  channel: 'sms' as const,
  campaignId: null,
  deliveryId: null,
  clarified: false,
  expiresAt: new Date('2026-12-01T00:00:00Z'),
  createdAt: new Date('2026-11-27T00:00:00Z'),
  expired: false,
};

const notice = (extra: Partial<PendingPrompt> = {}): PendingPrompt => ({
  ...base,
  kind: 'topic_notice',
  topic,
  survey: undefined,
  question: undefined,
  nextQuestion: undefined,
  ...extra,
});

/** A survey prompt on question `n` of satisfaction, satisfaction, yes/no, text (`kinds`). */
const onQuestion = (
  n: number,
  kinds: PromptQuestion['kind'][] = ['satisfaction', 'yes_no', 'text'],
  extra: Partial<PendingPrompt> = {},
): PendingPrompt => ({
  ...base,
  kind: 'survey_question',
  topic,
  survey: { ...survey, questionCount: kinds.length },
  question: question(n, kinds[n - 1] ?? 'satisfaction'),
  nextQuestion: n < kinds.length ? question(n + 1, kinds[n] ?? 'satisfaction') : undefined,
  ...extra,
});

function resolve(
  text: string,
  prompt: PendingPrompt | undefined,
  extra: Partial<ResolveReplyInput> = {},
  locale: Locale = 'zh-CN',
): Resolution {
  return resolveReply({
    interpretation: interpretReply(text),
    text,
    prompt,
    hasResident: true,
    optedOut: false,
    helpPhone: '12345',
    t: getI18n().forLocale(locale),
    locale,
    ...extra,
  });
}

describe('resolveReply: after a topic notice that asked for 1/2', () => {
  it.each([
    ['1', 'support', undefined],
    ['１', 'support', undefined],
    ['一', 'support', undefined],
    ['2', 'oppose', undefined],
    ['反对', 'oppose', undefined],
    ['不同意', 'oppose', undefined],
    ['支持', 'support', undefined],
    ['2 太吵了', 'oppose', '太吵了'],
  ])('reads %j as a stance on the topic', (text, stance, opinionText) => {
    const r = resolve(text, notice());
    expect(r.meaning).toBe('notice_opinion');
    expect(r.intake).toEqual({
      declaredKind: 'opinion',
      topicRef: 'T23',
      stance,
      ...(opinionText ? { text: opinionText } : {}),
    });
    // The pipeline's own acknowledgement is kept; the notice stays pending for more opinions.
    expect(r.reply).toBeUndefined();
    expect(r.effect).toEqual({ type: 'none' });
  });

  it('takes free text as a suggestion on the topic', () => {
    const r = resolve('电梯井会挡住一楼的光线', notice());
    expect(r.intake).toEqual({
      declaredKind: 'opinion',
      topicRef: 'T23',
      stance: 'suggestion',
      text: '电梯井会挡住一楼的光线',
    });
  });

  it.each(['3', '0', '满意', '👍', '1 2'])(
    'asks once what %j means, then keeps the next unclear reply',
    (text) => {
      const first = resolve(text, notice());
      expect(first.meaning).toBe('clarify');
      expect(first.reply).toEqual({ messageKey: 'sms:clarify.topic', params: { topicCode: 'T23' } });
      expect(first.effect).toEqual({ type: 'mark_clarified' });
      expect(first.intake).toMatchObject({ declaredKind: 'unclassified', topicRef: 'T23', text });

      const second = resolve(text, notice({ clarified: true }));
      expect(second.meaning).toBe('kept_unclear');
      expect(second.reply?.messageKey).toBe('sms:reply.kept');
      expect(second.effect).toEqual({ type: 'none' });
      expect(second.intake.declaredKind).toBe('unclassified');
    },
  );

  it('still counts a plain stance after the notice expired, but not free text', () => {
    expect(resolve('1', notice({ expired: true }))).toMatchObject({
      meaning: 'late_notice_opinion',
      intake: { declaredKind: 'opinion', topicRef: 'T23', stance: 'support' },
    });
    expect(resolve('路灯坏了', notice({ expired: true }))).toMatchObject({
      meaning: 'free_text',
      intake: { declaredKind: 'text', text: '路灯坏了' },
    });
  });

  it('answers help with what the notice asked', () => {
    expect(resolve('HELP', notice()).reply).toEqual({
      messageKey: 'sms:help.topic',
      params: { topicCode: 'T23', helpPhone: '12345' },
    });
  });
});

describe('resolveReply: a pending survey question', () => {
  it.each([
    ['1', 'very_satisfied'],
    ['１', 'very_satisfied'],
    ['壹', 'very_satisfied'],
    ['3', 'basically_satisfied'],
    ['5', 'very_dissatisfied'],
    ['满意', 'satisfied'],
    ['滿意', 'satisfied'],
    ['很不满意', 'very_dissatisfied'],
    ['satisfied', 'satisfied'],
    // Degree adverbs set the level, and Cantonese answers count like Mandarin ones.
    ['完全满意', 'very_satisfied'],
    ['十二分滿意', 'very_satisfied'],
    ['百分百满意', 'very_satisfied'],
    ['还满意', 'satisfied'],
    ['還滿意', 'satisfied'],
    ['麻麻地', 'basically_satisfied'],
    ['麻麻哋', 'basically_satisfied'],
    ['过得去', 'basically_satisfied'],
    ['不怎么满意', 'dissatisfied'],
    ['不够满意', 'dissatisfied'],
    ['絕對滿意', 'very_satisfied'],
    ['有点不满意', 'dissatisfied'],
    ['有些不满意', 'dissatisfied'],
    ['比較不滿意', 'dissatisfied'],
    ['唔係好滿意', 'dissatisfied'],
    ['不大满意', 'dissatisfied'],
    ['完全不满意', 'very_dissatisfied'],
    ['十分不满意', 'very_dissatisfied'],
    ['特別不滿意', 'very_dissatisfied'],
    ['非常之不满意', 'very_dissatisfied'],
    ['極之不滿意', 'very_dissatisfied'],
  ])('takes %j as %s and asks the next question', (text, choice) => {
    const r = resolve(text, onQuestion(1));
    expect(r.meaning).toBe('survey_answer');
    expect(r.intake).toEqual({
      declaredKind: 'survey_answer',
      surveyRef: 'S7',
      questionRef: question(1, 'satisfaction').id,
      topicRef: 'T23',
      choice,
      text,
    });
    expect(r.effect).toEqual({ type: 'advance', toQuestionId: question(2, 'yes_no').id });
    expect(r.reply?.messageKey).toBe('sms:survey.next');
    expect(r.reply?.params.question).toBe('（2/3）第2题？是回1，否回2，跳过回0');
  });

  it.each([
    ['1', 'yes'],
    ['2', 'no'],
    ['是', 'yes'],
    ['同意', 'yes'],
    ['不同意', 'no'],
    ['yes', 'yes'],
  ])('takes %j as %s to a yes/no question', (text, choice) => {
    expect(resolve(text, onQuestion(2)).intake.choice).toBe(choice);
  });

  it.each(['1楼门口太黑', '2', '满意'])(
    'takes anything said to an open question as the answer (%j)',
    (text) => {
      const r = resolve(text, onQuestion(3));
      expect(r.intake).toEqual({
        declaredKind: 'survey_answer',
        surveyRef: 'S7',
        questionRef: question(3, 'text').id,
        topicRef: 'T23',
        text,
      });
      expect(r.effect).toEqual({ type: 'clear' });
      expect(r.reply).toEqual({ messageKey: 'sms:survey.done', params: {} });
    },
  );

  it.each([
    ['0', 1],
    ['跳过', 2],
    ['0', 3],
  ])('skips with %j on question %i', (text, n) => {
    const r = resolve(text, onQuestion(n));
    expect(r.meaning).toBe('survey_skip');
    expect(r.intake).toMatchObject({ declaredKind: 'survey_answer', choice: 'skipped' });
    expect(r.reply?.messageKey).toBe(n === 3 ? 'sms:survey.skippedDone' : 'sms:survey.skipped');
  });

  it.each([
    ['7', 1, 'sms:clarify.satisfaction'],
    ['6', 1, 'sms:clarify.satisfaction'],
    ['1 2', 1, 'sms:clarify.satisfaction'],
    ['满意 不满意', 1, 'sms:clarify.satisfaction'],
    ['支持', 1, 'sms:clarify.satisfaction'],
    ['路灯坏了', 1, 'sms:clarify.satisfaction'],
    ['3', 2, 'sms:clarify.yesNo'],
    ['满意', 2, 'sms:clarify.yesNo'],
    ['👍', 3, 'sms:clarify.text'],
  ])('asks once what %j means on question %i', (text, n, key) => {
    const r = resolve(text, onQuestion(n));
    expect(r).toMatchObject({
      meaning: 'clarify',
      reply: { messageKey: key },
      effect: { type: 'mark_clarified' },
      intake: { declaredKind: 'unclassified', surveyRef: 'S7', questionRef: question(n, 'text').id, text },
    });
    expect(resolve(text, onQuestion(n, undefined, { clarified: true }))).toMatchObject({
      meaning: 'kept_unclear',
      reply: { messageKey: 'sms:reply.kept' },
      effect: { type: 'none' },
    });
  });

  it('keeps the words after an adverbial answer with the answer', () => {
    const r = resolve('有点不满意，噪音太大', onQuestion(1));
    expect(r).toMatchObject({
      meaning: 'survey_answer',
      intake: { declaredKind: 'survey_answer', choice: 'dissatisfied', text: '有点不满意，噪音太大' },
      effect: { type: 'advance', toQuestionId: question(2, 'yes_no').id },
    });
  });

  it('stores a clear answer after expiry, acknowledges it and ends the survey for the resident', () => {
    const r = resolve('2', onQuestion(1, undefined, { expired: true }));
    expect(r).toMatchObject({
      meaning: 'late_survey_answer',
      intake: { declaredKind: 'survey_answer', surveyRef: 'S7', choice: 'satisfied' },
      effect: { type: 'clear' },
      reply: { messageKey: 'sms:survey.late' },
    });
  });

  it('treats an unclear reply after expiry as having no context', () => {
    expect(resolve('7', onQuestion(1, undefined, { expired: true }))).toMatchObject({
      meaning: 'no_context',
      intake: { declaredKind: 'unclassified' },
      reply: { messageKey: 'sms:help.menu' },
    });
    expect(resolve('楼道灯不亮', onQuestion(3, undefined, { expired: true })).meaning).toBe('free_text');
  });

  it('repeats the question, with the help line, on HELP', () => {
    const r = resolve('帮助', onQuestion(2));
    expect(r.reply?.messageKey).toBe('sms:help.question');
    expect(r.reply?.params).toMatchObject({
      helpPhone: '12345',
      question: '（2/3）第2题？是回1，否回2，跳过回0',
    });
    expect(r.effect).toEqual({ type: 'none' });
  });

  it('renders the next question in the reply language', () => {
    const r = resolve('1', onQuestion(1), {}, 'en');
    expect(r.reply?.params.question).toBe('(2/3) Question 2? Reply 1 yes, 2 no, 0 to skip.');
  });
});

describe('resolveReply: keywords and topic codes win over any context', () => {
  const contexts: [string, PendingPrompt | undefined][] = [
    ['no prompt', undefined],
    ['a topic notice', notice()],
    ['a survey question', onQuestion(1)],
  ];

  it.each(contexts)('opts out on TD with %s, clearing any prompt', (_, prompt) => {
    const r = resolve('TD', prompt);
    expect(r.intake).toEqual({ declaredKind: 'opt_out', text: 'TD' });
    expect(r.effect).toEqual(prompt ? { type: 'clear' } : { type: 'none' });
    expect(r.reply).toBeUndefined();
  });

  it('confirms an opt-out once: a repeated TD gets a silent reply', () => {
    expect(resolve('退订', notice(), { optedOut: true }).reply).toEqual({
      messageKey: 'sms:optOut.already',
      params: {},
    });
  });

  it.each(contexts)('opts in on START with %s', (_, prompt) => {
    const r = resolve('START', prompt, { optedOut: true });
    expect(r.intake).toEqual({ declaredKind: 'opt_in', text: 'START' });
    expect(r.reply).toBeUndefined();
    expect(resolve('订阅', prompt).reply?.messageKey).toBe('sms:optIn.already');
  });

  it.each(contexts)('takes "T23 支持" as support for T23 with %s', (_, prompt) => {
    const r = resolve('T23 支持', prompt);
    expect(r.intake).toEqual({ declaredKind: 'opinion', topicRef: 'T23', stance: 'support' });
    expect(r.effect).toEqual({ type: 'none' });
  });

  it.each([
    ['t23反对 太吵', { stance: 'oppose', text: '太吵' }],
    ['#23 同意', { stance: 'support' }],
    ['T23 2', { stance: 'oppose' }],
    ['T23 装了电梯方便老人', { stance: 'suggestion', text: '装了电梯方便老人' }],
    ['T23', {}],
  ])('reads the topic code form %j', (text, expected) => {
    expect(resolve(text, undefined).intake).toEqual({
      declaredKind: 'opinion',
      topicRef: 'T23',
      ...expected,
    });
  });
});

describe('resolveReply: with no context', () => {
  it.each([
    '1',
    '１',
    '0',
    '满意',
    '很不满意',
    '完全满意',
    '麻麻地',
    '有点不满意',
    '完全不满意',
    '👍',
    '1 2',
  ])('keeps %j unclassified and answers with help', (text) => {
    expect(resolve(text, undefined)).toEqual({
      meaning: 'no_context',
      intake: { declaredKind: 'unclassified', text },
      effect: { type: 'none' },
      reply: { messageKey: 'sms:help.menu', params: { helpPhone: '12345' } },
    });
  });

  it('asks for a topic code when a stance comes without one', () => {
    expect(resolve('反对', undefined)).toMatchObject({
      intake: { declaredKind: 'unclassified', text: '反对' },
      reply: { messageKey: 'sms:help.noTopic' },
    });
  });

  it('hands free text to the pipeline, which files it as a demand', () => {
    expect(resolve('小区东门路灯坏了一个月', undefined)).toEqual({
      meaning: 'free_text',
      intake: { declaredKind: 'text', text: '小区东门路灯坏了一个月' },
      effect: { type: 'none' },
      reply: undefined,
    });
  });
});
