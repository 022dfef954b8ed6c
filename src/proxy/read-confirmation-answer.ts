/**
 * "Is this what you asked us to submit?" answered in the words residents use: 1/2 in any numeral
 * form, 属实/有误, 对/不对, yes/no, correct/wrong, in Simplified, Traditional or English, typed or
 * spoken. Pure; shared by the SMS conversation and the voice call.
 */
import type { Interpretation } from '../conversations/interpretation.ts';

export type ConfirmationAnswer = 'confirmed' | 'disputed';

// Disputes first: "不属实" contains "属实", "不对" contains "对".
const DISPUTED = [
  '不属实',
  '不屬實',
  '有误',
  '有誤',
  '不对',
  '不對',
  '不是',
  '不正确',
  '不正確',
  '错误',
  '錯誤',
  '错了',
  '錯了',
  '不准确',
  '不準確',
  '没说过',
  '沒說過',
  '错',
  '錯',
  '否',
  'WRONG',
  'INCORRECT',
  'NOTCORRECT',
  'NO',
  'FALSE',
];
const CONFIRMED = [
  '属实',
  '屬實',
  '正确',
  '正確',
  '确认',
  '確認',
  '没错',
  '沒錯',
  '对的',
  '對的',
  '对',
  '對',
  '是的',
  '是',
  'CORRECT',
  'RIGHT',
  'YES',
  'TRUE',
  'CONFIRM',
  'CONFIRMED',
];
// Words strong enough to count at the start of a longer reply ("属实，谢谢", "有误，我是反对的").
const STRONG = new Set([
  '不属实',
  '不屬實',
  '有误',
  '有誤',
  '属实',
  '屬實',
  '错误',
  '錯誤',
  '正确',
  '正確',
  'WRONG',
  'CORRECT',
]);

function keyOf(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .toUpperCase();
}

/** The answer a reply gives, or undefined when it gives none clearly. */
export function readConfirmationAnswer(
  text: string,
  interpretation?: Interpretation,
): ConfirmationAnswer | undefined {
  const key = keyOf(text);
  if (DISPUTED.includes(key)) return 'disputed';
  if (CONFIRMED.includes(key)) return 'confirmed';
  if (interpretation?.type === 'number') {
    if (interpretation.value === 1) return 'confirmed';
    if (interpretation.value === 2) return 'disputed';
    return undefined;
  }
  if (interpretation?.type === 'stance')
    return interpretation.stance === 'support' ? 'confirmed' : 'disputed';
  const disputed = DISPUTED.find((w) => STRONG.has(w) && key.startsWith(w));
  if (disputed) return 'disputed';
  const confirmed = CONFIRMED.find((w) => STRONG.has(w) && key.startsWith(w));
  if (confirmed) return 'confirmed';
  return undefined;
}
