/**
 * Reads a short reply (an SMS, a transcribed phrase) the forgiving way elderly residents need:
 * full-width digits, Han numerals, Traditional characters, emoji and stray punctuation are all fine.
 * Pure: what the reply means for a pending question is the conversation's decision, not this one's.
 */
import type { SatisfactionLevel } from '../db/schema.ts';
import {
  type AnswerWords,
  HAN_DIGITS,
  SATISFACTION_WORDS,
  SENTENCE_PARTICLES,
  type Side,
  STANCE_WORDS,
} from './answer-words.ts';
import type { Interpretation } from './interpretation.ts';

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'satisfaction'; level: SatisfactionLevel }
  | { kind: 'stance'; stance: Side }
  | { kind: 'skip' };

interface Entry {
  word: string;
  token: Token;
  /** A weak word (see AnswerWords) counts only when it stands alone. */
  weak: boolean;
}

interface Match {
  token: Token;
  /** Where the token (and any particles closing it) ends. */
  end: number;
}

// Whole-message keywords only: "取消" alone opts out, "取消停车收费" is a request.
const OPT_OUT = new Set([
  'td',
  '退订',
  '退訂',
  '取消',
  '取消订阅',
  '取消訂閱',
  'stop',
  'stopall',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
]);
// "YES" is deliberately absent: here it answers a question, it does not re-subscribe.
const OPT_IN = new Set(['start', 'unstop', 'subscribe', '订阅', '訂閱', '重新订阅', '重新訂閱']);
const HELP = new Set(['help', 'info', '帮助', '幫助', '求助']);

const SEPARATOR_CLASS = String.raw`\s\p{P}\p{S}\p{Cf}\u{FE00}-\u{FE0F}\u{20E3}\p{Extended_Pictographic}`;
// A "#" before digits belongs to a topic code ("#23", "反对 #23"), not to the noise around it.
const SEPARATORS = new RegExp(`(?:(?!#\\d)[${SEPARATOR_CLASS}])+`, 'uy');
const IS_SEPARATOR = new RegExp(`^[${SEPARATOR_CLASS}]`, 'u');
const TRAILING_NOISE = new RegExp(`[${SEPARATOR_CLASS}]+$`, 'u');
const MEANINGFUL = /[\p{L}\p{N}]/u;

const PARTICLES = new RegExp(`[${SENTENCE_PARTICLES}]+`, 'uy');

// A number straight after which one of these comes is a quantity or an address ("1号楼漏水",
// "3楼", "20元"), not the answer "1", "3" or "20".
const MEASURE_WORDS = [
  ...'号號楼樓栋棟幢层層元块塊毛角个個人位户戶室间間岁歲年月日天周週点點时時分秒次遍米里斤路期座辆輛台臺套只隻条條家区區门門届屆名片份本张張把棵盏盞项項件种種组組排级級班床车車度%°',
  '单元',
  '單元',
];

const CONNECTORS = [
  '或者',
  '或',
  '还是',
  '還是',
  '和',
  '跟',
  '与',
  '與',
  '及',
  '到',
  '至',
  'or ',
  'and ',
  'to ',
];

// Words that may precede an answer without changing it: "我支持", "我觉得还行", "I agree".
const ANSWER_PREFIXES = [
  '我觉得',
  '我覺得',
  '我們',
  '我们',
  '觉得',
  '覺得',
  '本人',
  '我',
  'i think ',
  'i am ',
  "i'm ",
  'we are ',
  "we're ",
  'i ',
  'we ',
];
// Intensified stances ("非常同意", "坚决反对", "strongly agree") are read here, as an adverb before a
// stance word, rather than listed in answer-words.ts: the phone line finds a stance word anywhere in
// what it heard and so already reads them, and a list would have to spell out every adverb with
// every stance word in every script. Only strong stance words may follow, so an adverb never turns
// a satisfaction word or a weak everyday syllable into a stance ("很好", "好几天没水了" stay text).
const STANCE_INTENSIFIERS = [
  '非常之',
  '非常',
  '很',
  '好',
  '十分',
  '十二分',
  '特别',
  '特別',
  '完全',
  '绝对',
  '絕對',
  '坚决',
  '堅決',
  '强烈',
  '強烈',
  '极之',
  '極之',
  '极其',
  '極其',
  '全力',
  '百分百',
  '举双手',
  '舉雙手',
  '举手',
  '舉手',
  '双手',
  '雙手',
  'strongly ',
  'totally ',
  'completely ',
  'absolutely ',
  'fully ',
  'really ',
  'very much ',
  'wholeheartedly ',
].sort((a, b) => b.length - a.length);
const NUMBER_PREFIXES = ['选择', '選擇', '我选', '我選', '选', '選', '第', 'option ', 'choice ', 'number '];

const HAN_DIGIT = '[一壹二贰貳三叁參四肆五伍六陆陸七柒八捌九玖]';
// Up to 99 ("十一", "二十三"), or a single digit; survey options never go further.
const HAN_NUMBER = new RegExp(
  `(${HAN_DIGIT})?([十拾])(${HAN_DIGIT})?|([〇零一壹幺二贰貳两兩三叁參四肆五伍六陆陸七柒八捌九玖])`,
  'uy',
);
// More than three digits is a phone number, a room, an amount or a code, not a menu choice.
const DIGITS = /\d{1,3}(?!\d)/y;
const TOPIC_CODE = /(?:topic|t|#|议题|議題) ?0*([1-9]\d{0,8})(?!\d)/y;

const SKIP_WORDS = ['跳过', '跳過', '略过', '略過', '下一题', '下一題', 'skip', 'pass'];
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function buildLexicon(): Entry[] {
  const entries: Entry[] = [];
  for (const [level, words] of Object.entries(SATISFACTION_WORDS) as [SatisfactionLevel, AnswerWords][]) {
    const token: Token = { kind: 'satisfaction', level };
    for (const word of words.strong) entries.push({ word, token, weak: false });
    for (const word of words.weak ?? []) entries.push({ word, token, weak: true });
  }
  for (const [stance, words] of Object.entries(STANCE_WORDS) as [Side, AnswerWords][]) {
    const token: Token = { kind: 'stance', stance };
    for (const word of words.strong) entries.push({ word, token, weak: false });
    for (const word of words.weak ?? []) entries.push({ word, token, weak: true });
  }
  for (const word of SKIP_WORDS) entries.push({ word, token: { kind: 'skip' }, weak: false });
  NUMBER_WORDS.forEach((word, value) => {
    entries.push({ word, token: { kind: 'number', value }, weak: false });
  });
  // Longest first: "很不满意" before "不满意" before "满意", "不同意" before "不".
  return entries.sort((a, b) => b.word.length - a.word.length);
}

const LEXICON = buildLexicon();

/**
 * The lexicon by first character, each list longest word first like the lexicon itself: a reply is
 * matched against the few words that can start where it stands, not against every word.
 */
const LEXICON_BY_FIRST = new Map<string, Entry[]>();
for (const entry of LEXICON) {
  const first = entry.word[0] as string;
  const list = LEXICON_BY_FIRST.get(first);
  if (list) list.push(entry);
  else LEXICON_BY_FIRST.set(first, [entry]);
}
const NO_ENTRIES: readonly Entry[] = [];

/** Lower-cases ASCII only: every other script is matched as written, and lengths never change. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function isLatinLetter(c: string | undefined): boolean {
  return c !== undefined && /[a-z]/.test(c);
}

function isSeparatorAt(s: string, pos: number): boolean {
  return IS_SEPARATOR.test(s.slice(pos, pos + 2));
}

function skipSeparators(s: string, pos: number): number {
  SEPARATORS.lastIndex = pos;
  return SEPARATORS.test(s) ? SEPARATORS.lastIndex : pos;
}

function skipParticles(s: string, pos: number): number {
  PARTICLES.lastIndex = pos;
  return PARTICLES.test(s) ? PARTICLES.lastIndex : pos;
}

function startsWithMeasureWord(s: string, pos: number): boolean {
  let p = pos;
  while (s[p] === ' ') p++;
  return MEASURE_WORDS.some((w) => s.startsWith(w, p));
}

/** After a word that must stand alone: particles, then the end or a separator. */
function standaloneEnd(s: string, pos: number): number | undefined {
  const p = skipParticles(s, pos);
  return p >= s.length || isSeparatorAt(s, p) ? p : undefined;
}

function entryEnd(s: string, entry: Entry, pos: number): number | undefined {
  let end = pos + entry.word.length;
  if (isLatinLetter(entry.word.at(-1))) {
    return /[a-z0-9']/.test(s[end] ?? '') ? undefined : (standaloneEnd(s, end) ?? end);
  }
  // Said twice or thrice for emphasis: "好好好", "对对对", "支持支持".
  while (s.startsWith(entry.word, end)) end += entry.word.length;
  if (entry.weak) return standaloneEnd(s, end);
  // "满意度调查" is about the survey, not an answer to it.
  if (entry.token.kind === 'satisfaction' && s[end] === '度') return undefined;
  const closed = standaloneEnd(s, end);
  return closed ?? end;
}

function digitsMatch(s: string, pos: number): Match | undefined {
  DIGITS.lastIndex = pos;
  const m = DIGITS.exec(s);
  if (!m) return undefined;
  const end = pos + m[0].length;
  const next = s[end];
  if (isLatinLetter(next)) return undefined; // "2nd", "10am", "5km"
  // Decimals, times, fractions and addresses: "1.5", "12:30", "1/2", "3-2-101".
  if (next !== undefined && '.:/-'.includes(next) && /\d/.test(s[end + 1] ?? '')) return undefined;
  if (startsWithMeasureWord(s, end)) return undefined;
  return { token: { kind: 'number', value: Number.parseInt(m[0], 10) }, end: skipParticles(s, end) };
}

function hanNumberMatch(s: string, pos: number): Match | undefined {
  HAN_NUMBER.lastIndex = pos;
  const m = HAN_NUMBER.exec(s);
  if (!m) return undefined;
  let value: number;
  if (m[2]) {
    const tens = m[1] ? (HAN_DIGITS[m[1]] ?? 1) : 1;
    const units = m[3] ? (HAN_DIGITS[m[3]] ?? 0) : 0;
    value = tens * 10 + units;
  } else {
    value = HAN_DIGITS[m[4] ?? ''] ?? 0;
  }
  const after = pos + m[0].length;
  // Han numerals start everyday words ("一直", "三角", "十字路口"), so they must stand alone.
  const end = standaloneEnd(s, after);
  if (end === undefined || startsWithMeasureWord(s, after)) return undefined;
  return { token: { kind: 'number', value }, end };
}

/** What came just before `pos`, which narrows the words that may answer there. */
type Lead = 'start' | 'prefix' | 'intensifier';

/**
 * The longest answer word at `pos` whose boundaries hold, if any. After an answer prefix, numbers
 * and one-syllable words are left out, which after "我" mean something else ("我是…", "我好…"); after
 * an intensifier, every weak word is ("非常好" praises, it does not answer).
 */
function matchToken(s: string, pos: number, lead: Lead = 'start'): Match | undefined {
  let best: { match: Match; length: number } | undefined;
  const consider = (match: Match | undefined, length: number) => {
    if (match && (!best || length > best.length)) best = { match, length };
  };
  if (lead === 'start') {
    const digits = digitsMatch(s, pos);
    consider(digits, digits ? digits.end - pos : 0);
    const han = hanNumberMatch(s, pos);
    consider(han, han ? han.end - pos : 0);
  }
  for (const entry of LEXICON_BY_FIRST.get(s[pos] ?? '') ?? NO_ENTRIES) {
    if (best && entry.word.length <= best.length) break;
    if (lead !== 'start' && entry.token.kind === 'number') continue;
    if (lead === 'prefix' && entry.weak && entry.word.length === 1) continue;
    if (lead === 'intensifier' && entry.weak) continue;
    if (!s.startsWith(entry.word, pos)) continue;
    const end = entryEnd(s, entry, pos);
    if (end !== undefined) consider({ token: entry.token, end }, entry.word.length);
  }
  return best?.match;
}

/** A stance after one or more intensifiers ("非常同意", "非常非常支持", "strongly disagree"). */
function matchIntensified(s: string, pos: number): Match | undefined {
  let at = pos;
  for (;;) {
    const adverb = STANCE_INTENSIFIERS.find((a) => s.startsWith(a, at));
    if (adverb === undefined) break;
    at = skipSeparators(s, at + adverb.length);
  }
  if (at === pos) return undefined;
  const m = matchToken(s, at, 'intensifier');
  return m?.token.kind === 'stance' ? m : undefined;
}

/** An answer word straight at `pos`, or a stance made stronger by the adverbs before it. */
function matchAt(s: string, pos: number): Match | undefined {
  return matchToken(s, pos) ?? matchIntensified(s, pos);
}

function matchAnswer(s: string, pos: number): Match | undefined {
  const direct = matchAt(s, pos);
  if (direct) return direct;
  for (const prefix of NUMBER_PREFIXES) {
    if (!s.startsWith(prefix, pos)) continue;
    const m = matchToken(s, skipSeparators(s, pos + prefix.length));
    if (m?.token.kind === 'number') return m;
  }
  for (const prefix of ANSWER_PREFIXES) {
    if (!s.startsWith(prefix, pos)) continue;
    const at = skipSeparators(s, pos + prefix.length);
    const m = matchToken(s, at, 'prefix') ?? matchIntensified(s, at);
    if (m) return m;
  }
  return undefined;
}

function skipConnector(s: string, pos: number): number {
  const connector = CONNECTORS.find((c) => s.startsWith(c, pos));
  return connector ? skipSeparators(s, pos + connector.length) : pos;
}

type Comparable = string | number;

/**
 * Reads further answers of the same kind right after the first ("1 2", "满意 不满意", "1或2"):
 * a repeat is harmless, a different one makes the reply ambiguous.
 */
function consumeRepeats(
  s: string,
  first: Comparable,
  pos: number,
  keyOf: (m: Match) => Comparable | undefined,
): { end: number; conflict: boolean } {
  let end = pos;
  for (;;) {
    const at = skipConnector(s, skipSeparators(s, end));
    const next = matchAt(s, at);
    const value = next && keyOf(next);
    if (next === undefined || value === undefined) return { end, conflict: false };
    if (value !== first) return { end, conflict: true };
    end = next.end;
  }
}

function topicAt(s: string, pos: number): { ref: string; end: number } | undefined {
  TOPIC_CODE.lastIndex = pos;
  const m = TOPIC_CODE.exec(s);
  if (!m?.[1]) return undefined;
  const end = pos + m[0].length;
  const next = s[end];
  if (isLatinLetter(next)) return undefined;
  if (next !== undefined && '.:/-'.includes(next) && /\d/.test(s[end + 1] ?? '')) return undefined;
  return { ref: `T${Number.parseInt(m[1], 10)}`, end };
}

/** After a topic code, "1" supports and "2" opposes, as the notices say ("支持回1，反对回2"). */
function topicStanceOf(m: Match): Side | undefined {
  switch (m.token.kind) {
    case 'stance':
      return m.token.stance;
    case 'number':
      return m.token.value === 1 ? 'support' : m.token.value === 2 ? 'oppose' : undefined;
    default:
      return undefined;
  }
}

/**
 * The reply twice over: `norm` (NFKC, ASCII lower-cased, apostrophes straightened, whitespace
 * collapsed) is what is matched, `original` is what the resident wrote, so the words they added keep
 * their own punctuation ("太吵了！", not "太吵了!"). `originalAt[i]` is where `norm[i]` came from.
 */
interface Reply {
  original: string;
  norm: string;
  originalAt: number[];
}

function readReply(text: string): Reply {
  const original = text.normalize('NFC');
  let norm = '';
  const originalAt: number[] = [];
  let at = 0;
  for (const c of original) {
    const n = c.normalize('NFKC');
    // Phones type the curly apostrophe ("don’t agree"); the answer words have the straight one.
    const mapped = /^\s+$/u.test(n) ? ' ' : n === '’' ? "'" : asciiLower(n);
    if (mapped !== ' ' || (norm !== '' && !norm.endsWith(' '))) {
      norm += mapped;
      for (let k = 0; k < mapped.length; k++) originalAt.push(at);
    }
    at += c.length;
  }
  if (norm.endsWith(' ')) {
    norm = norm.slice(0, -1);
    originalAt.pop();
  }
  return { original, norm, originalAt };
}

function collapse(text: string): string {
  return text.trim().replace(/\s+/gu, ' ');
}

function restFrom(reply: Reply, pos: number): string | undefined {
  const from = skipSeparators(reply.norm, pos);
  if (from >= reply.norm.length) return undefined;
  const rest = collapse(reply.original.slice(reply.originalAt[from]));
  return MEANINGFUL.test(rest) ? rest : undefined;
}

function withRest<T extends object>(value: T, rest: string | undefined): T & { rest?: string } {
  return rest === undefined ? value : { ...value, rest };
}

function interpretTopic(
  reply: Reply,
  topic: { ref: string; end: number },
  before: Side | undefined,
): Interpretation {
  const s = reply.norm;
  let stance = before;
  let end = topic.end;
  const at = skipSeparators(s, end);
  const m = matchAt(s, at);
  const after = m && topicStanceOf(m);
  if (m && after) {
    if (stance !== undefined && stance !== after) return { type: 'ambiguous', reason: 'conflicting_stance' };
    stance = after;
    const repeats = consumeRepeats(s, after, m.end, topicStanceOf);
    if (repeats.conflict) return { type: 'ambiguous', reason: 'conflicting_stance' };
    end = repeats.end;
  }
  const base: Interpretation = { type: 'topic', topicRef: topic.ref };
  return withRest(stance ? { ...base, stance } : base, restFrom(reply, end));
}

function interpretAnswer(reply: Reply, m: Match): Interpretation {
  const s = reply.norm;
  const token = m.token;
  switch (token.kind) {
    case 'skip':
      return withRest({ type: 'skip' }, restFrom(reply, m.end));
    case 'number': {
      const r = consumeRepeats(s, token.value, m.end, (n) =>
        n.token.kind === 'number' ? n.token.value : undefined,
      );
      if (r.conflict) return { type: 'ambiguous', reason: 'conflicting_numbers' };
      const rest = restFrom(reply, r.end);
      return token.value === 0
        ? withRest({ type: 'skip' }, rest)
        : withRest({ type: 'number', value: token.value }, rest);
    }
    case 'satisfaction': {
      const r = consumeRepeats(s, token.level, m.end, (n) =>
        n.token.kind === 'satisfaction' ? n.token.level : undefined,
      );
      if (r.conflict) return { type: 'ambiguous', reason: 'conflicting_satisfaction' };
      return withRest({ type: 'satisfaction', level: token.level }, restFrom(reply, r.end));
    }
    case 'stance': {
      // "支持T23", "反对 #23 太吵": the stance came first.
      const topic = topicAt(s, skipSeparators(s, m.end));
      if (topic) return interpretTopic(reply, topic, token.stance);
      const r = consumeRepeats(s, token.stance, m.end, (n) =>
        n.token.kind === 'stance' ? n.token.stance : undefined,
      );
      if (r.conflict) return { type: 'ambiguous', reason: 'conflicting_stance' };
      return withRest({ type: 'stance', stance: token.stance }, restFrom(reply, r.end));
    }
  }
}

/**
 * What a short reply says, before any context is applied: a keyword (opt-out, opt-in, help, skip),
 * a number, a satisfaction level, a stance, a topic code, free text, nothing, or a contradiction.
 */
export function interpretReply(text: string): Interpretation {
  const reply = readReply(text);
  const lower = reply.norm;
  if (/^[? ]+$/.test(lower)) return { type: 'help' };
  const start = skipSeparators(lower, 0);
  const core = lower.slice(start).replace(TRAILING_NOISE, '');
  if (!MEANINGFUL.test(core)) return { type: 'empty' };

  // Spaces inside a Chinese keyword are slips ("取消 订阅"); inside Latin they split words ("T D").
  const key = /[a-z]/.test(core) ? core : core.replace(/ /g, '');
  if (OPT_OUT.has(key)) return { type: 'opt_out' };
  if (OPT_IN.has(key)) return { type: 'opt_in' };
  if (HELP.has(key)) return { type: 'help' };

  const topic = topicAt(lower, start);
  if (topic) return interpretTopic(reply, topic, undefined);
  const answer = matchAnswer(lower, start);
  if (answer) return interpretAnswer(reply, answer);
  return { type: 'text', text: collapse(reply.original) };
}
