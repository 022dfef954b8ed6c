/**
 * Understanding what a caller said (or keyed) in answer to a question with a few expected answers.
 * Speech recognition returns sentences ("我支持。", "Two.", "第二个"); these helpers find the expected
 * word or number in them. Pure functions: the channel passes the words of the caller's language.
 */
import {
  type AnswerWords,
  DOUBLE_NEGATIVES,
  HAN_DIGITS,
  SATISFACTION_WORDS,
  SENTENCE_PARTICLES,
  STANCE_WORDS,
} from '../conversations/answer-words.ts';

export interface SpokenOption<V extends string> {
  value: V;
  /** The key that chooses it. */
  key?: string;
  /**
   * Words that choose it when heard, in the caller's language (and common alternatives). An option
   * whose value is a stance ("support", "oppose") or a satisfaction level is also chosen by the words
   * an SMS reply uses for it, in every language: the phone line understands what a text does.
   */
  words: readonly string[];
}

/** Lower-case, width-folded, without spaces or punctuation: what matching compares. */
export function normaliseSpoken(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Words from a comma-separated list in a locale file. */
export function wordList(csv: string): string[] {
  return csv
    .split(/[,，]/)
    .map((w) => w.trim())
    .filter(Boolean);
}

/** Lower-case, width-folded words separated by single spaces instead of punctuation. */
function spacedWords(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface ExpectedWord {
  compact: string;
  /** For Latin-script words, the words as spaced: they must be heard whole. */
  phrase: string | undefined;
}

function expectedWord(word: string): ExpectedWord {
  const compact = normaliseSpoken(word);
  return { compact, phrase: /^[a-z0-9]+$/.test(compact) ? spacedWords(word) : undefined };
}

interface Utterance {
  compact: string;
  /** Spaced words with a space at either end, so that a whole word is ` word `. */
  spaced: string;
  /** Compact, without the hesitations recognisers write down. */
  bare: string;
}

// Hesitations a recogniser writes down ("嗯，我支持", "um, yes"). They answer nothing: "嗯" alone is a
// yes in a text, but on the phone it is someone thinking.
const CHINESE_FILLERS = /[嗯呃额額]+|那个|那個/gu;
const ENGLISH_FILLERS = new Set(['um', 'umm', 'uh', 'uhm', 'er', 'erm', 'hmm', 'mm']);
const LEADING_PARTICLES = new RegExp(`^[${SENTENCE_PARTICLES}]+`, 'u');

function utterance(speech: string): Utterance {
  const spaced = spacedWords(speech);
  const words = spaced.split(' ');
  return {
    compact: words.join(''),
    spaced: ` ${spaced} `,
    bare: words
      .filter((w) => !ENGLISH_FILLERS.has(w))
      .join('')
      .replace(CHINESE_FILLERS, ''),
  };
}

/** Latin-script words must be said whole ("no" is not in "know"); Chinese has no spaces to go by. */
function isSaid(word: ExpectedWord, heard: Utterance): boolean {
  if (!word.compact) return false;
  if (word.phrase === undefined) return heard.compact.includes(word.compact);
  return heard.spaced.includes(` ${word.phrase} `);
}

/**
 * A weak word ("好", "不", "yes") answers only when it is all that was said, perhaps more than once
 * and with particles ("好的好的", "不啦"): "好几天没水" and "不知道" answer nothing. The recogniser's
 * punctuation is not the caller's, so unlike in a text, "好，我想想" is not a yes.
 */
function isSaidAlone(word: ExpectedWord, heard: Utterance): boolean {
  if (!word.compact || !heard.bare.startsWith(word.compact)) return false;
  let rest = heard.bare;
  while (rest.startsWith(word.compact)) {
    rest = rest.slice(word.compact.length).replace(LEADING_PARTICLES, '');
  }
  return rest === '';
}

/** The words SMS replies answer with, by the option value they stand for, read once. */
const ANSWER_WORDS = new Map<string, { strong: ExpectedWord[]; weak: ExpectedWord[] }>(
  [...Object.entries(STANCE_WORDS), ...Object.entries(SATISFACTION_WORDS)].map(
    ([value, words]: [string, AnswerWords]) => [
      value,
      { strong: words.strong.map(expectedWord), weak: (words.weak ?? []).map(expectedWord) },
    ],
  ),
);

const DOUBLE_NEGATIVE_WORDS = DOUBLE_NEGATIVES.map(expectedWord);

/**
 * The option a caller chose: by key first, then by the longest expected word heard (so "不同意" is
 * not read as "同意"). Undefined when nothing matches or two options match equally well.
 */
export function matchOption<V extends string>(
  input: { digits?: string | undefined; speech?: string | undefined },
  options: readonly SpokenOption<V>[],
): V | undefined {
  if (input.digits) return options.find((o) => o.key !== undefined && o.key === input.digits)?.value;
  const speech = input.speech ?? '';
  const heard = utterance(speech);
  if (!heard.compact) return undefined;
  // An undefined value is a double negative: heard whole, it outweighs the stance word inside it
  // and, being the longest word, leaves the answer open rather than read as a no.
  let best: { value: V | undefined; length: number; tie: boolean } | undefined;
  const consider = (value: V | undefined, word: ExpectedWord) => {
    const length = word.compact.length;
    if (!best || length > best.length) best = { value, length, tie: false };
    else if (length === best.length && best.value !== value) best.tie = true;
  };
  if (options.some((o) => Object.hasOwn(STANCE_WORDS, o.value))) {
    for (const word of DOUBLE_NEGATIVE_WORDS) if (isSaid(word, heard)) consider(undefined, word);
  }
  for (const option of options) {
    for (const word of option.words.map(expectedWord)) if (isSaid(word, heard)) consider(option.value, word);
    const shared = ANSWER_WORDS.get(option.value);
    if (!shared) continue;
    for (const word of shared.strong) if (isSaid(word, heard)) consider(option.value, word);
    for (const word of shared.weak) if (isSaidAlone(word, heard)) consider(option.value, word);
  }
  // The longest word wins, so "不同意" (oppose) is not read as the "同意" (support) inside it.
  if (best && !best.tie) return best.value;
  const number = spokenNumber(speech);
  if (number !== undefined) return options.find((o) => o.key === String(number))?.value;
  return undefined;
}

const ENGLISH_NUMBERS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

function chineseNumber(run: string): number | undefined {
  // 十 = 10, 十二 = 12, 二十 = 20, 二十三 = 23, 一百零五 = 105; a plain run of digits (一二三) = 123.
  if (!/[十拾百佰]/.test(run)) {
    let n = 0;
    for (const ch of run) {
      const d = HAN_DIGITS[ch];
      if (d === undefined) return undefined;
      n = n * 10 + d;
    }
    return n;
  }
  let total = 0;
  let current = 0;
  for (const ch of run) {
    if (ch === '百' || ch === '佰') {
      total += (current || 1) * 100;
      current = 0;
    } else if (ch === '十' || ch === '拾') {
      total += (current || 1) * 10;
      current = 0;
    } else {
      const d = HAN_DIGITS[ch];
      if (d === undefined) return undefined;
      current = d;
    }
  }
  return total + current;
}

const HAN_NUMBER = new RegExp(`^[${Object.keys(HAN_DIGITS).join('')}十拾百佰]+$`, 'u');

// Words around a number that do not change it: "第二个", "按3", "number five", "议题23".
const NUMBER_FRAME = /第|个|個|号|號|按|选|選|揀|议题|議題|\b(?:number|press|option|topic|the|please)\b/giu;

/**
 * The number a caller said when the answer is a number: "23", "二十三", "第二个", "twenty three",
 * "topic 5". Undefined when the words say more than a number ("再说一遍" is not 1).
 */
export function spokenNumber(text: string): number | undefined {
  const framed = text.normalize('NFKC').toLowerCase().replace(NUMBER_FRAME, ' ');
  const compact = framed.replace(/[^\p{L}\p{N}]+/gu, '');
  if (!compact) return undefined;
  if (/^\d+$/.test(compact)) return Number.parseInt(compact, 10);
  if (HAN_NUMBER.test(compact)) {
    return chineseNumber(compact);
  }
  const words = framed.split(/[^a-z]+/).filter(Boolean);
  if (words.length === 0 || words.length > 2 || words.join('') !== compact) return undefined;
  const [first, second] = words.map((w) => ENGLISH_NUMBERS[w]);
  if (first === undefined) return undefined;
  if (words.length === 1) return first;
  if (second !== undefined && first >= 20 && first % 10 === 0 && second > 0 && second < 10)
    return first + second;
  return undefined;
}
