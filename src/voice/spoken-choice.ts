/**
 * Understanding what a caller said (or keyed) in answer to a question with a few expected answers.
 * Speech recognition returns sentences ("我支持。", "Two.", "第二个"); these helpers find the expected
 * word or number in them. Pure functions: the channel passes the words of the caller's language.
 */

export interface SpokenOption<V extends string> {
  value: V;
  /** The key that chooses it. */
  key?: string;
  /** Words that choose it when heard, in the caller's language (and common alternatives). */
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
  const heard = normaliseSpoken(speech);
  if (!heard) return undefined;
  const spaced = ` ${speech
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
  let best: { value: V; length: number; tie: boolean } | undefined;
  for (const option of options) {
    for (const word of option.words) {
      const w = normaliseSpoken(word);
      if (!w || !isSaid(w, word, heard, spaced)) continue;
      if (!best || w.length > best.length) best = { value: option.value, length: w.length, tie: false };
      else if (w.length === best.length && best.value !== option.value) best.tie = true;
    }
  }
  // The longest word wins, so "不同意" (oppose) is not read as the "同意" (support) inside it.
  if (best && !best.tie) return best.value;
  const number = spokenNumber(speech);
  if (number !== undefined) return options.find((o) => o.key === String(number))?.value;
  return undefined;
}

/** Latin-script words must be said whole ("no" is not in "know"); Chinese has no spaces to go by. */
function isSaid(compactWord: string, word: string, heard: string, spaced: string): boolean {
  if (/^[a-z0-9]+$/.test(compactWord)) {
    const phrase = word
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    return spaced.includes(` ${phrase} `);
  }
  return heard.includes(compactWord);
}

const CHINESE_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  幺: 1,
  壹: 1,
  二: 2,
  两: 2,
  兩: 2,
  贰: 2,
  貳: 2,
  三: 3,
  叁: 3,
  參: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  陸: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};

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
      const d = CHINESE_DIGITS[ch];
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
      const d = CHINESE_DIGITS[ch];
      if (d === undefined) return undefined;
      current = d;
    }
  }
  return total + current;
}

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
  if (/^[零〇一幺壹二两兩贰貳三叁參四肆五伍六陆陸七柒八捌九玖十拾百佰]+$/u.test(compact)) {
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
