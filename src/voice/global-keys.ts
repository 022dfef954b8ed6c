import { matchOption, type SpokenOption } from './spoken-choice.ts';

/** What a caller can ask for in any question of any voice flow. */
export const GLOBAL_ACTIONS = ['repeat', 'person', 'slow'] as const;
export type GlobalAction = (typeof GLOBAL_ACTIONS)[number];

/** `*` repeats, `0` reaches a person, `9` slows the speech: the same keys on every question. */
export const GLOBAL_KEYS: Record<GlobalAction, string> = { repeat: '*', person: '0', slow: '9' };

/** The words that ask for each action in the caller's language. */
export type GlobalWords = Record<GlobalAction, readonly string[]>;

/**
 * The action a caller's key or words ask for, if any. A flow checks its own answers in speech first
 * ("我想找人反映问题" is a need, not a request for a person), then this.
 */
export function globalActionOf(
  input: { digits?: string | undefined; speech?: string | undefined },
  words: GlobalWords,
): GlobalAction | undefined {
  const options: SpokenOption<GlobalAction>[] = [
    { value: 'repeat', key: GLOBAL_KEYS.repeat, words: words.repeat },
    { value: 'person', key: GLOBAL_KEYS.person, words: words.person },
    { value: 'slow', key: GLOBAL_KEYS.slow, words: words.slow },
  ];
  // A spoken number is never a global action: "九" in a list of topics means topic nine.
  if (!input.digits) {
    return matchOption(
      { speech: input.speech },
      options.map((o) => ({ value: o.value, words: o.words })),
    );
  }
  return matchOption({ digits: input.digits }, options);
}
