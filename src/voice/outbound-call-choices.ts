/**
 * What a caller's key press or words answer, for the questions voice flows ask: survey questions, a
 * notice's "support or oppose", a proxy record's "right or wrong". The words are read by the same
 * forgiving interpreter as SMS replies, and keys mean what they mean in the SMS survey.
 */
import { interpretReply } from '../conversations/interpret-reply.ts';
import type { Interpretation } from '../conversations/interpretation.ts';
import { answerForKey } from '../conversations/survey-choices.ts';
import type { QuestionKind } from '../db/schema.ts';
import { type ConfirmationAnswer, readConfirmationAnswer } from '../proxy/read-confirmation-answer.ts';

/**
 * Below this, speech recognition is more guess than hearing: the caller is asked again rather than
 * having a wrong answer recorded for them.
 */
export const MIN_SPEECH_CONFIDENCE = 0.3;

/** One answer as Twilio posts it: keys pressed, or what speech recognition heard (and how surely). */
export interface CallerInput {
  digits?: string | undefined;
  speech?: string | undefined;
  confidence?: number | undefined;
}

/** The text to interpret, or undefined when the caller said nothing usable. */
export function heard(input: CallerInput): { text: string; by: 'keys' | 'speech' } | undefined {
  const digits = input.digits?.trim();
  if (digits) return { text: digits, by: 'keys' };
  const speech = input.speech?.trim();
  if (!speech) return undefined;
  if (input.confidence !== undefined && input.confidence < MIN_SPEECH_CONFIDENCE) return undefined;
  return { text: speech, by: 'speech' };
}

export type SurveyAnswer =
  | { type: 'answer'; choice: string | undefined; text: string }
  | { type: 'skip'; text: string }
  | { type: 'no_match'; text: string };

/** What an input answers to a survey question of this kind (`choice` undefined for open answers). */
export function surveyAnswerOf(kind: QuestionKind, text: string, by: 'keys' | 'speech'): SurveyAnswer {
  const i: Interpretation = interpretReply(text);
  if (i.type === 'skip') return { type: 'skip', text };
  if (kind === 'text') {
    // Keys cannot say what someone thinks; words can, whatever they are.
    return by === 'speech' && i.type !== 'empty'
      ? { type: 'answer', choice: undefined, text }
      : { type: 'no_match', text };
  }
  let choice: string | undefined;
  if (i.type === 'number') choice = answerForKey(kind, i.value);
  else if (i.type === 'satisfaction' && kind === 'satisfaction') choice = i.level;
  else if (i.type === 'stance' && kind === 'yes_no') choice = i.stance === 'support' ? 'yes' : 'no';
  return choice ? { type: 'answer', choice, text } : { type: 'no_match', text };
}

/** Support (1) or opposition (2) to a topic. */
export function stanceOf(text: string): 'support' | 'oppose' | undefined {
  const i = interpretReply(text);
  if (i.type === 'number') return i.value === 1 ? 'support' : i.value === 2 ? 'oppose' : undefined;
  if (i.type === 'stance') return i.stance;
  return undefined;
}

/** Whether a proxy record read back is right (1) or wrong (2), read as the SMS reply is. */
export function confirmationOf(text: string): ConfirmationAnswer | undefined {
  return readConfirmationAnswer(text, interpretReply(text));
}
