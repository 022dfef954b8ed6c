import type { Locale, SatisfactionLevel } from '../db/schema.ts';

/**
 * What a short free-form reply (an SMS, a transcribed phrase) says, before context is applied.
 * `interpretReply` produces it; the conversation decides what it means given the pending prompt.
 */
export type Interpretation =
  | { type: 'opt_out' }
  | { type: 'opt_in' }
  | { type: 'help' }
  /** "0", "跳过", "skip": skip the current survey question; `rest` is anything said after it. */
  | { type: 'skip'; rest?: string }
  /** A number given as ASCII, full-width or Han numerals ("1", "１", "一", "壹"), maybe followed by words. */
  | { type: 'number'; value: number; rest?: string }
  | { type: 'satisfaction'; level: SatisfactionLevel; rest?: string }
  /** Yes/no and support/oppose words (支持 同意 赞成 是 好 / 反对 不同意 否 …). */
  | { type: 'stance'; stance: 'support' | 'oppose'; rest?: string }
  /** A topic code ("T23", "t23", "#23"), with a stance and/or words after it. */
  | { type: 'topic'; topicRef: string; stance?: 'support' | 'oppose'; rest?: string }
  /** Words that are none of the above. */
  | { type: 'text'; text: string }
  /** Nothing but whitespace, punctuation or emoji. */
  | { type: 'empty' }
  /** Contradictory signals ("1 2", "满意 不满意"): ask once to clarify. */
  | { type: 'ambiguous'; reason: string };

/** Encoding and size of an SMS body as carriers count it. */
export interface SmsSegmentCount {
  encoding: 'GSM-7' | 'UCS-2';
  /** Characters as counted by the encoding (GSM extension characters count 2, emoji count 2 in UCS-2). */
  units: number;
  segments: number;
}

/** The locale a message is written in, or undefined when it gives no evidence (digits, emoji, "OK"). */
export type GuessLocale = (text: string) => Locale | undefined;
