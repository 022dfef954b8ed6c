/**
 * What this process last read or wrote of each SMS sender, so that their next message is understood
 * without reading again: a batch whose senders are all known makes one round trip, the write.
 *
 * Nothing here is trusted: the write checks every part of it (see `recordSmsReplies`): the resident
 * row's version and their SMS opt-out, their prompt's row version (or that they still have none), the
 * status of each topic the reply was understood against, and that a topic number that named none
 * still names none. Whatever changed meanwhile, here or in another process, makes that message write
 * nothing; it then takes the transactional path, which reads afresh, and the sender is forgotten
 * here. A stale entry therefore costs a second attempt, never a wrong answer: an opt-out made anywhere
 * is honoured on the next message.
 *
 * A survey's questions and code never change once it exists, so they are not checked.
 */
import type { DbOrTx } from '../db/database.ts';
import type { ClassifiableTopic } from '../pipeline/classify-intake.ts';
import type { IntakeResident } from '../pipeline/plan-intake.ts';
import { type PromptRow, readPrompt, type SmsReplyContext } from './read-sms-reply-contexts.ts';
import type { SmsReplyRecord } from './record-sms-replies.ts';

/** A sender as last seen: an existing resident who had not opted out of SMS. */
interface KnownSender {
  resident: IntakeResident;
  version: string;
  prompt: PromptRow | undefined;
  seenMs: number;
}

interface KnownTopic {
  topic: ClassifiableTopic | undefined;
  seenMs: number;
}

/** Entries older than this are read again: the checks keep them right, this keeps them fresh. */
const KEPT_MS = 10 * 60_000;
/**
 * Senders remembered at most (a survey's prompt with its questions is a kilobyte or two); a full cache
 * is emptied: residents write again within minutes, if at all.
 */
const SENDERS_KEPT = 10_000;
const TOPICS_KEPT = 2_000;

export class SmsContextCache {
  private readonly senders = new Map<string, KnownSender>();
  private readonly topics = new Map<number, KnownTopic>();
  /** Messages understood from here, and messages for which the context was read. */
  hits = 0;
  misses = 0;

  /**
   * The context of a message from this sender naming this topic number, as last seen; undefined
   * when either was not seen recently. The prompt is assembled as of `now` (it may have expired).
   */
  contextOf(phoneHash: string, topicNumber: number | undefined, now: Date): SmsReplyContext | undefined {
    const nowMs = now.getTime();
    const sender = this.senders.get(phoneHash);
    const named = topicNumber === undefined ? undefined : this.topics.get(topicNumber);
    if (
      !sender ||
      nowMs - sender.seenMs > KEPT_MS ||
      (topicNumber !== undefined && (!named || nowMs - named.seenMs > KEPT_MS))
    ) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    return {
      handled: undefined,
      resident: sender.resident,
      residentVersion: sender.version,
      optedOut: false,
      prompt: sender.prompt ? readPrompt(sender.prompt, sender.resident.id, now) : undefined,
      namedTopic: named?.topic,
    };
  }

  /** Keeps what was just read of a message's sender and of the topic it names. */
  rememberRead(
    phoneHash: string | undefined,
    topicNumber: number | undefined,
    read: SmsReplyContext,
    now: Date,
  ): void {
    const seenMs = now.getTime();
    if (topicNumber !== undefined) {
      if (this.topics.size >= TOPICS_KEPT) this.topics.clear();
      this.topics.set(topicNumber, { topic: read.namedTopic, seenMs });
    }
    if (phoneHash === undefined) return;
    // An opted-out resident's messages go through the audited path anyway; they are not kept.
    if (!read.resident || read.residentVersion === undefined || read.optedOut) {
      this.senders.delete(phoneHash);
      return;
    }
    this.keep(phoneHash, {
      resident: read.resident,
      version: read.residentVersion,
      prompt: read.prompt?.row,
      seenMs,
    });
  }

  /**
   * Keeps what a written reply left behind: the resident it created, or its prompt as changed.
   * `version` is the row version of every row the write made.
   */
  rememberWritten(phoneHash: string | undefined, record: SmsReplyRecord, version: string, now: Date): void {
    if (phoneHash === undefined) return;
    const seenMs = now.getTime();
    const { newResident, sender } = record;
    if (newResident) {
      this.keep(phoneHash, {
        resident: { id: newResident.id, preferredLocale: null, communityId: null, gridId: null },
        version,
        prompt: undefined,
        seenMs,
      });
      return;
    }
    const known = this.senders.get(phoneHash);
    if (
      !sender ||
      sender.optedOut ||
      !known ||
      known.resident.id !== sender.residentId ||
      known.version !== sender.version ||
      known.prompt?.version !== sender.prompt?.version
    ) {
      this.senders.delete(phoneHash);
      return;
    }
    const prompt = known.prompt;
    const change = sender.prompt?.change;
    let next: PromptRow | undefined = prompt;
    if (prompt && change) {
      switch (change.type) {
        case 'keep':
          break;
        case 'clear':
          next = undefined;
          break;
        case 'mark_clarified':
          next = { ...prompt, version, clarified: true };
          break;
        case 'advance':
          next = {
            ...prompt,
            version,
            questionId: change.toQuestionId,
            clarified: false,
            createdMs: record.at.getTime(),
          };
          break;
      }
    }
    this.keep(phoneHash, { ...known, prompt: next, seenMs });
  }

  /** Forgets a sender: their next message reads their context again. */
  forget(phoneHash: string | undefined): void {
    if (phoneHash !== undefined) this.senders.delete(phoneHash);
  }

  private keep(phoneHash: string, sender: KnownSender): void {
    if (this.senders.size >= SENDERS_KEPT && !this.senders.has(phoneHash)) this.senders.clear();
    this.senders.set(phoneHash, sender);
  }
}

// One cache per database: tests open many databases in one process, and a process could serve two.
const caches = new WeakMap<object, SmsContextCache>();

/** This process's cache for the database `db` (a transaction, having a session of its own, has its own). */
export function smsContextCache(db: DbOrTx): SmsContextCache {
  const key = db._.session;
  let cache = caches.get(key);
  if (!cache) {
    cache = new SmsContextCache();
    caches.set(key, cache);
  }
  return cache;
}
