/**
 * The terms a need is compared by: the words ICU's Chinese dictionary finds (`Intl.Segmenter`), with
 * function words dropped and a few everyday synonyms folded together, plus the character pairs of each
 * run of Chinese text. The pairs catch what the dictionary splits differently from one message to the
 * next ("加装电梯" → 加|装|电梯, "加装" is still a pair), the words keep whole concepts ("停车位").
 * Pure and deterministic.
 */
import { canonicalTerm, isStopWord, synonymsWithin } from './theme-vocabulary.ts';

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });
const HAN = /\p{Script=Han}/u;
const DIGITS_ONLY = /^[\p{Nd}.]+$/u;

export interface NeedTerms {
  /** Dictionary words (and English words), canonical and without function words. */
  words: string[];
  /** Chinese character pairs, prefixed "~" so that a pair never collides with a two-character word. */
  pairs: string[];
}

/** Splits text into the terms it is compared by. */
export function needTerms(text: string): NeedTerms {
  const normalised = text.normalize('NFKC').toLowerCase();
  const words: string[] = [];
  const pairs: string[] = [];
  // A run of content characters (no punctuation, no function word in between) yields pairs.
  let run = '';
  // Consecutive characters the dictionary did not join into words: synonyms may hide there.
  let loose = '';
  const flushLoose = () => {
    if ([...loose].length >= 2) words.push(...synonymsWithin(loose));
    loose = '';
  };
  const flushRun = () => {
    flushLoose();
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i += 1) pairs.push(`~${chars[i]}${chars[i + 1]}`);
    run = '';
  };
  for (const { segment, isWordLike } of segmenter.segment(normalised)) {
    if (!isWordLike || DIGITS_ONLY.test(segment)) {
      flushRun();
      continue;
    }
    const term = canonicalTerm(segment);
    if (isStopWord(segment) || isStopWord(term)) {
      flushRun();
      continue;
    }
    if (HAN.test(segment)) {
      run += segment;
      // A single character says little alone ("楼", "车"); it still counts inside a pair.
      if ([...term].length >= 2) {
        flushLoose();
        words.push(term);
      } else {
        loose += segment;
      }
    } else {
      flushRun();
      if (term.length >= 3) words.push(term);
    }
  }
  flushRun();
  return { words, pairs };
}
