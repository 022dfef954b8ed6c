/**
 * The keys residents press or type to answer survey questions, and the normalised answers they stand
 * for. SMS hints, voice prompts and results all read them from here so that "1" means one thing.
 */
import type { QuestionKind, SatisfactionLevel } from '../db/schema.ts';

/** 1 非常满意 · 2 满意 · 3 基本满意 · 4 不满意 · 5 很不满意. */
export const SATISFACTION_KEYS = {
  1: 'very_satisfied',
  2: 'satisfied',
  3: 'basically_satisfied',
  4: 'dissatisfied',
  5: 'very_dissatisfied',
} as const satisfies Record<1 | 2 | 3 | 4 | 5, SatisfactionLevel>;

export const YES_NO_ANSWERS = ['yes', 'no'] as const;
export type YesNoAnswer = (typeof YES_NO_ANSWERS)[number];

/** 1 yes · 2 no. */
export const YES_NO_KEYS = { 1: 'yes', 2: 'no' } as const satisfies Record<1 | 2, YesNoAnswer>;

/** The key that skips a question ("0", or the word 跳过). */
export const SKIP_KEY = 0;

/**
 * Stored as the answer when a resident skips a question: it shows they responded, but it is no
 * opinion, so satisfaction rates leave it out of their denominator.
 */
export const SKIPPED_ANSWER = 'skipped';

/** The normalised answer a key stands for in a question of this kind; undefined when out of range. */
export function answerForKey(kind: QuestionKind, key: number): string | undefined {
  switch (kind) {
    case 'satisfaction':
      return key in SATISFACTION_KEYS ? SATISFACTION_KEYS[key as keyof typeof SATISFACTION_KEYS] : undefined;
    case 'yes_no':
      return key in YES_NO_KEYS ? YES_NO_KEYS[key as keyof typeof YES_NO_KEYS] : undefined;
    case 'text':
      return undefined;
  }
}
