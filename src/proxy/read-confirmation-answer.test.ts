import { describe, expect, it } from 'vitest';
import { interpretReply } from '../conversations/interpret-reply.ts';
import { readConfirmationAnswer } from './read-confirmation-answer.ts';

describe('readConfirmationAnswer', () => {
  it.each([
    ['1', 'confirmed'],
    ['１', 'confirmed'],
    ['一', 'confirmed'],
    ['属实', 'confirmed'],
    ['屬實', 'confirmed'],
    ['对', 'confirmed'],
    ['對的', 'confirmed'],
    ['是的', 'confirmed'],
    ['没错', 'confirmed'],
    ['Correct', 'confirmed'],
    ['yes', 'confirmed'],
    ['属实，谢谢', 'confirmed'],
    ['1 谢谢', 'confirmed'],
    ['2', 'disputed'],
    ['２', 'disputed'],
    ['二', 'disputed'],
    ['有误', 'disputed'],
    ['有誤', 'disputed'],
    ['不属实', 'disputed'],
    ['不對', 'disputed'],
    ['不是', 'disputed'],
    ['错了', 'disputed'],
    ['wrong', 'disputed'],
    ['No', 'disputed'],
    ['有误，我是反对的', 'disputed'],
    ['2 不是我说的', 'disputed'],
  ] as const)('%s → %s', (text, answer) => {
    expect(readConfirmationAnswer(text, interpretReply(text))).toBe(answer);
  });

  it.each(['3', '这是什么', '', '🙂', 'T23 支持'])('%s → no answer', (text) => {
    expect(readConfirmationAnswer(text, interpretReply(text))).toBeUndefined();
  });

  it('reads spoken words without an interpretation', () => {
    expect(readConfirmationAnswer('属实。')).toBe('confirmed');
    expect(readConfirmationAnswer('有误')).toBe('disputed');
  });
});
