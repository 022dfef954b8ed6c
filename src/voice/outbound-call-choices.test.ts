import { describe, expect, it } from 'vitest';
import { confirmationOf, heard, stanceOf, surveyAnswerOf } from './outbound-call-choices.ts';

describe('what a caller’s keys or words answer', () => {
  it.each([
    ['satisfaction', '1', 'keys', 'very_satisfied'],
    ['satisfaction', '5', 'keys', 'very_dissatisfied'],
    ['satisfaction', '满意。', 'speech', 'satisfied'],
    ['satisfaction', '我觉得挺满意的', 'speech', 'satisfied'],
    ['satisfaction', '基本满意', 'speech', 'basically_satisfied'],
    ['satisfaction', '唔滿意', 'speech', 'dissatisfied'],
    ['satisfaction', 'Very satisfied.', 'speech', 'very_satisfied'],
    ['satisfaction', '三', 'speech', 'basically_satisfied'],
    ['yes_no', '1', 'keys', 'yes'],
    ['yes_no', '2', 'keys', 'no'],
    ['yes_no', '是的。', 'speech', 'yes'],
    ['yes_no', '不是', 'speech', 'no'],
    ['yes_no', '係', 'speech', 'yes'],
    ['yes_no', 'No.', 'speech', 'no'],
  ] as const)('%s: %s by %s → %s', (kind, text, by, choice) => {
    expect(surveyAnswerOf(kind, text, by)).toEqual({ type: 'answer', choice, text });
  });

  it.each([
    ['satisfaction', '6', 'keys'],
    ['satisfaction', '是的', 'speech'],
    ['satisfaction', '今天天气不错', 'speech'],
    ['yes_no', '3', 'keys'],
    ['yes_no', '满意', 'speech'],
    ['text', '1', 'keys'],
  ] as const)('%s: %s by %s answers nothing', (kind, text, by) => {
    expect(surveyAnswerOf(kind, text, by).type).toBe('no_match');
  });

  it('takes any words as the answer to an open question, and 跳过 / skip as skipping', () => {
    expect(surveyAnswerOf('text', '电梯太慢了', 'speech')).toEqual({
      type: 'answer',
      choice: undefined,
      text: '电梯太慢了',
    });
    expect(surveyAnswerOf('text', '跳过。', 'speech').type).toBe('skip');
    expect(surveyAnswerOf('satisfaction', 'skip', 'speech').type).toBe('skip');
  });

  it('hears keys first, and speech only when recognition is sure enough', () => {
    expect(heard({ digits: '2', speech: '一' })).toEqual({ text: '2', by: 'keys' });
    expect(heard({ speech: ' 满意 ', confidence: 0.8 })).toEqual({ text: '满意', by: 'speech' });
    expect(heard({ speech: '满意', confidence: 0.1 })).toBeUndefined();
    expect(heard({ speech: '满意' })).toEqual({ text: '满意', by: 'speech' });
    expect(heard({})).toBeUndefined();
  });

  it('reads support and opposition to a topic', () => {
    expect(stanceOf('1')).toBe('support');
    expect(stanceOf('2')).toBe('oppose');
    expect(stanceOf('我支持。')).toBe('support');
    expect(stanceOf('不同意')).toBe('oppose');
    for (const hedged of [
      '不太同意',
      '我不是很支持。',
      '唔係好同意囉',
      "I don't really agree.",
      'I’m not in favour',
      '坚决反对',
      '完全不同意',
      'I strongly disagree.',
    ]) {
      expect(stanceOf(hedged), hedged).toBe('oppose');
    }
    for (const agreeing of [
      '同意',
      '我同意',
      'agree',
      'I agree',
      '非常同意',
      '我坚决支持',
      'Strongly agree.',
    ]) {
      expect(stanceOf(agreeing), agreeing).toBe('support');
    }
    expect(stanceOf('3')).toBeUndefined();
    expect(stanceOf('再说吧')).toBeUndefined();
    expect(stanceOf("I don't disagree")).toBeUndefined();
    expect(stanceOf('很好')).toBeUndefined();
  });

  it('reads whether a record read back is right', () => {
    for (const right of ['1', '对', '属实', '屬實', '正确', 'Correct.', '是的']) {
      expect(confirmationOf(right), right).toBe('confirmed');
    }
    for (const wrong of ['2', '不对', '有误', '有誤', '错了', 'Wrong.', '不是']) {
      expect(confirmationOf(wrong), wrong).toBe('disputed');
    }
    expect(confirmationOf('我想想')).toBeUndefined();
  });
});
