/**
 * A scripted phone call: drives the voice webhooks exactly as Twilio does — signed form posts with
 * CallSid, From, To, CallStatus and, per step, Digits, SpeechResult + Confidence, RecordingUrl +
 * RecordingDuration, TranscriptionText — always to the URL the previous TwiML named, and reads every
 * answer as TwiML. A test plays the caller: `dial()`, `press('1')`, `speak('支持')`, `silence()`.
 * Test-only.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Ctx } from '../../src/core/context.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import {
  newCallSid,
  postSignedWebhook,
  type RequestTarget,
  type SignedWebhookOptions,
  TEST_PUBLIC_BASE_URL,
  TEST_TWILIO_ACCOUNT_SID,
  twilioTestEnv,
} from '../sms/twilio-test-kit.ts';
import { VOICE_INBOUND_PATH } from './inbound-flow.ts';
import { textOf, VoiceTwiml } from './twiml-reader.ts';

/** The hall's phone number residents call. */
export const HALL_NUMBER = '+862160000000';
/** The office phone 0 transfers to in the tests. */
export const TEST_TRANSFER_NUMBER = '+862160000099';

export interface VoiceHarness {
  deps: TestAppDeps;
  app: ReturnType<typeof createApp>;
  ctx(): Ctx;
  /** A caller ringing the hall from `from` (a withheld number when `from` is 'anonymous'). */
  call(from: string, options?: { callSid?: string }): ScriptedCall;
}

export function createVoiceHarness(database: TestDatabase, env: Record<string, string> = {}): VoiceHarness {
  const deps = createTestAppDeps(database, {
    env: { ...twilioTestEnv(), VOICE_TRANSFER_NUMBER: TEST_TRANSFER_NUMBER, ...env },
  });
  const app = createApp(deps);
  return {
    deps,
    app,
    ctx: () => ({
      actor: { type: 'system', job: 'test' },
      db: deps.database.db,
      clock: deps.clock,
      log: deps.log,
      pii: deps.pii,
    }),
    call: (from, options = {}) => new ScriptedCall(app, from, options.callSid ?? newCallSid()),
  };
}

/** `https://hall.example.org/channels/voice/answer?step=menu` → `/channels/voice/answer?step=menu`. */
export function pathOf(url: string): string {
  if (!url.startsWith(`${TEST_PUBLIC_BASE_URL}/`)) {
    throw new Error(`TwiML points Twilio at ${url}, not at the public base URL ${TEST_PUBLIC_BASE_URL}`);
  }
  return url.slice(TEST_PUBLIC_BASE_URL.length);
}

export function newRecordingSid(): string {
  return `RE${randomBytes(16).toString('hex')}`;
}

export class ScriptedCall {
  /** Every TwiML document the call received, in order. */
  readonly heard: VoiceTwiml[] = [];

  constructor(
    private readonly target: RequestTarget,
    readonly from: string,
    readonly callSid: string,
  ) {}

  /** The TwiML of the last step. */
  get last(): VoiceTwiml {
    const last = this.heard[this.heard.length - 1];
    if (!last) throw new Error('the call has not started');
    return last;
  }

  /** What Twilio sends with every request of this call. */
  baseParams(status = 'in-progress'): Record<string, string> {
    return {
      AccountSid: TEST_TWILIO_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      CallSid: this.callSid,
      CallStatus: status,
      Called: HALL_NUMBER,
      Caller: this.from,
      Direction: 'inbound',
      From: this.from,
      FromCountry: 'CN',
      To: HALL_NUMBER,
      ToCountry: 'CN',
    };
  }

  /** A raw signed request; resolves with the response (for status checks). */
  async send(path: string, params: Record<string, string>, options: Partial<SignedWebhookOptions> = {}) {
    return postSignedWebhook(this.target, { path, params, ...options });
  }

  /**
   * Posts to `url` as Twilio would and reads the TwiML answer. Callbacks outside the conversation
   * (transcriptions) are not something the caller hears: `aside` keeps them out of `heard`.
   */
  async post(
    url: string,
    extra: Record<string, string> = {},
    status = 'in-progress',
    aside = false,
  ): Promise<VoiceTwiml> {
    const res = await this.send(pathOf(url), { ...this.baseParams(status), ...extra });
    const body = await res.text();
    expect(res.status, body).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const twiml = new VoiceTwiml(body);
    if (!aside) this.heard.push(twiml);
    return twiml;
  }

  /** The call connects: Twilio's first webhook. */
  dial(): Promise<VoiceTwiml> {
    return this.post(`${TEST_PUBLIC_BASE_URL}${VOICE_INBOUND_PATH}`, {}, 'ringing');
  }

  private gatherAction(): string {
    const gather = this.last.gather;
    if (!gather) throw new Error(`no question was asked; last TwiML: ${this.last.xml}`);
    const action = gather.attrs.action;
    if (!action) throw new Error('the question has no action URL');
    expect(gather.attrs.actionOnEmptyResult).toBe('true');
    return action;
  }

  /** Keys pressed in answer to the current question. */
  press(digits: string): Promise<VoiceTwiml> {
    return this.post(this.gatherAction(), { Digits: digits });
  }

  /** Words spoken in answer to the current question, as speech recognition heard them. */
  speak(words: string, confidence = 0.91): Promise<VoiceTwiml> {
    return this.post(this.gatherAction(), { SpeechResult: words, Confidence: String(confidence) });
  }

  /** Nothing at all until the question times out (actionOnEmptyResult posts anyway). */
  silence(): Promise<VoiceTwiml> {
    return this.post(this.gatherAction());
  }

  /** Twilio follows the <Redirect> at the end of the last TwiML. */
  followRedirect(): Promise<VoiceTwiml> {
    const url = this.last.redirect;
    if (!url) throw new Error(`nothing to follow; last TwiML: ${this.last.xml}`);
    return this.post(url);
  }

  private recordAttr(name: 'action' | 'transcribeCallback'): string {
    const record = this.last.record ?? this.heard.map((h) => h.record).findLast((r) => r !== undefined);
    const value = record?.attrs[name];
    if (!value) throw new Error(`no <Record ${name}> to post to`);
    return value;
  }

  /** The caller speaks after the beep and presses # (or hangs up: `digits: 'hangup'`). */
  recordMessage(options: { seconds: number; recordingSid?: string; digits?: string }): Promise<VoiceTwiml> {
    const recordingSid = options.recordingSid ?? newRecordingSid();
    return this.post(this.recordAttr('action'), {
      RecordingSid: recordingSid,
      RecordingUrl: recordingUrl(recordingSid),
      RecordingDuration: String(options.seconds),
      Digits: options.digits ?? '#',
    });
  }

  /** Twilio's transcription of the last recording, arriving after the call has moved on (or ended). */
  transcription(options: { recordingSid: string; text: string; status?: string }): Promise<VoiceTwiml> {
    return this.post(
      this.recordAttr('transcribeCallback'),
      {
        RecordingSid: options.recordingSid,
        RecordingUrl: recordingUrl(options.recordingSid),
        TranscriptionSid: `TR${randomBytes(16).toString('hex')}`,
        TranscriptionText: options.text,
        TranscriptionStatus: options.status ?? 'completed',
        TranscriptionUrl: `https://api.twilio.com/2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}/Transcriptions/x`,
        TranscriptionType: 'fast',
      },
      'completed',
      true,
    );
  }

  /** The transfer to a person ends with Twilio's DialCallStatus. */
  transferEnds(dialCallStatus: 'completed' | 'busy' | 'no-answer' | 'failed'): Promise<VoiceTwiml> {
    const action = this.last.dial?.attrs.action;
    if (!action) throw new Error('no transfer in progress');
    return this.post(action, { DialCallStatus: dialCallStatus, DialCallDuration: '42' });
  }

  /** The text of the <Redirect> or the number a <Dial> rings. */
  static dialled(twiml: VoiceTwiml): string | undefined {
    return twiml.dial ? textOf(twiml.dial).trim() : undefined;
  }
}

export function recordingUrl(recordingSid: string): string {
  return `https://api.twilio.com/2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}/Recordings/${recordingSid}`;
}

/** The speech and keys of each language, as every question must use them. */
export const EXPECTED_VOICES = {
  'zh-CN': { voice: 'Polly.Zhiyu-Neural', speech: 'cmn-Hans-CN' },
  'zh-HK': { voice: 'Polly.Hiujin-Neural', speech: 'yue-Hant-HK' },
  en: { voice: 'Polly.Joanna-Neural', speech: 'en-US' },
} as const;

/**
 * Asserts that a TwiML step asks a question the way every question must be asked: keys and speech,
 * the language's recognition model, hints, a generous timeout, an answer posted even on silence, the
 * language's voice, and a way on if Twilio falls through.
 */
export function expectQuestion(twiml: VoiceTwiml, locale: keyof typeof EXPECTED_VOICES): void {
  const gather = twiml.gather;
  expect(gather, twiml.xml).toBeDefined();
  expect(gather?.attrs.input).toBe('dtmf speech');
  expect(gather?.attrs.language).toBe(EXPECTED_VOICES[locale].speech);
  expect(Number(gather?.attrs.timeout)).toBeGreaterThanOrEqual(8);
  expect(gather?.attrs.actionOnEmptyResult).toBe('true');
  expect(gather?.attrs.hints?.length ?? 0).toBeGreaterThan(0);
  expect(twiml.lines.length).toBeGreaterThan(0);
  for (const line of twiml.lines) expect(line.voice).toBe(EXPECTED_VOICES[locale].voice);
  expect(twiml.hangsUp).toBe(false);
  expect(twiml.redirect).toBe(gather?.attrs.action);
}
