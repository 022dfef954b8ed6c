/**
 * The pieces every voice flow (inbound IVR, outbound survey calls) answers Twilio with: speech in the
 * caller's language and pace, questions that take keys and speech alike, a way to a person, and the
 * signature check that guards every `/channels/voice/*` webhook. TwiML is built only through the
 * `twilio` SDK's VoiceResponse, so text is always escaped and the markup always well formed.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { AppEnv } from '../../src/app.ts';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Locale } from '../../src/db/schema.ts';
import { readSignedForm, type TwilioParams } from '../http/twilio-form.ts';

export const VOICE_PATH_PREFIX = '/channels/voice';
/** The "reach a person" step of the phone line; any voice flow may redirect there. */
export const VOICE_PERSON_PATH = `${VOICE_PATH_PREFIX}/person`;

/** Far above any real voice webhook (a few dozen short fields; a transcript up to a few KB). */
export const MAX_VOICE_BODY_BYTES = 64 * 1024;

/**
 * Seconds a question waits for the first key or word. Relay services and older callers need time;
 * Twilio's own default (5 s) is too short for them.
 */
export const GATHER_TIMEOUT_SECONDS = 8;

/** The speaking rate when a caller asked for slower speech (SSML prosody, percent of normal). */
export const SLOW_SPEECH_RATE = '75%';

type SayVoice = NonNullable<VoiceResponse.SayAttributes['voice']>;
export type SpeechLanguage = NonNullable<VoiceResponse.GatherAttributes['language']>;

export interface LocaleVoice {
  /**
   * `<Say voice>`: Amazon Polly neural voices. A Polly voice speaks one language, so `<Say>` carries no
   * `language` attribute that could contradict it.
   */
  voice: SayVoice;
  /** `<Gather language>`: the speech recognition language. */
  speechLanguage: SpeechLanguage;
}

export const LOCALE_VOICES: Record<Locale, LocaleVoice> = {
  'zh-CN': { voice: 'Polly.Zhiyu-Neural', speechLanguage: 'cmn-Hans-CN' },
  'zh-HK': { voice: 'Polly.Hiujin-Neural', speechLanguage: 'yue-Hant-HK' },
  en: { voice: 'Polly.Joanna-Neural', speechLanguage: 'en-US' },
};

/** How to speak to this caller. */
export interface Speech {
  locale: Locale;
  slow: boolean;
}

/** Anything `<Say>` can be nested in. */
export type SayParent = VoiceResponse | VoiceResponse.Gather;

/** One `<Say>` in the locale's voice; slower through SSML prosody when the caller asked for it. */
export function say(parent: SayParent, text: string, speech: Speech): void {
  const v = LOCALE_VOICES[speech.locale];
  if (speech.slow) {
    // The SDK builds SSML children on an empty <Say>; the words then live only in <prosody>.
    parent.say({ voice: v.voice }, '').prosody({ rate: SLOW_SPEECH_RATE }, text);
  } else {
    parent.say({ voice: v.voice }, text);
  }
}

export interface AskOptions {
  /** Absolute URL Twilio posts the answer to (also when nothing was said: actionOnEmptyResult). */
  action: string;
  speech: Speech;
  /** Words the caller is expected to say, to help recognition. */
  hints: readonly string[];
  /** For single-key questions; omit for numbers of several digits ended by `#`. */
  numDigits?: number;
  /** `''` lets `#` be an answer of its own instead of ending the input. */
  finishOnKey?: string;
  /** Seconds; never below GATHER_TIMEOUT_SECONDS. */
  timeout?: number;
  /** Recognition language when it differs from the speech's (the language menu). */
  speechLanguage?: SpeechLanguage;
}

/**
 * A question answered by keys or speech. Twilio posts to `action` even when nothing came
 * (actionOnEmptyResult), so the flow — not Twilio — decides what follows silence, and the call
 * never falls through to the end of the document and hangs up.
 */
export function ask(response: VoiceResponse, options: AskOptions): VoiceResponse.Gather {
  const hints = [...new Set(options.hints.map((h) => h.replace(/,/g, ' ').trim()).filter(Boolean))];
  return response.gather({
    input: ['dtmf', 'speech'],
    action: options.action,
    method: 'POST',
    actionOnEmptyResult: true,
    language: options.speechLanguage ?? LOCALE_VOICES[options.speech.locale].speechLanguage,
    ...(hints.length > 0 ? { hints: hints.join(',') } : {}),
    timeout: Math.max(GATHER_TIMEOUT_SECONDS, options.timeout ?? GATHER_TIMEOUT_SECONDS),
    speechTimeout: 'auto',
    ...(options.numDigits === undefined ? {} : { numDigits: options.numDigits }),
    ...(options.finishOnKey === undefined ? {} : { finishOnKey: options.finishOnKey }),
  });
}

/** An absolute URL under the configured public base, the address Twilio calls and signs. */
export function voiceUrl(publicBaseUrl: string, path: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${publicBaseUrl}${path}${search ? `?${search}` : ''}`;
}

/**
 * Sends the caller to the "reach a person" step (a transfer in office hours, a call-back booked
 * otherwise). `returnTo` is the voice path the caller comes back to after a call-back is booked.
 */
export function redirectToPerson(response: VoiceResponse, publicBaseUrl: string, returnTo: string): void {
  response.redirect({ method: 'POST' }, voiceUrl(publicBaseUrl, VOICE_PERSON_PATH, { return: returnTo }));
}

export interface DialPersonOptions {
  number: string;
  /** Where Twilio posts when the transfer ends (DialCallStatus), so a failed transfer books a call-back. */
  action: string;
  /** Seconds to let the office phone ring. */
  timeout: number;
  callerId?: string;
}

/** Connects the caller to the office phone. */
export function dialPerson(response: VoiceResponse, options: DialPersonOptions): void {
  response.dial(
    {
      action: options.action,
      method: 'POST',
      timeout: options.timeout,
      answerOnBridge: true,
      ...(options.callerId ? { callerId: options.callerId } : {}),
    },
    options.number,
  );
}

export function newVoiceResponse(): VoiceResponse {
  return new twilio.twiml.VoiceResponse();
}

/** Sends TwiML. */
export function twimlReply<E extends AppEnv>(c: Context<E>, response: VoiceResponse): Response {
  return c.body(response.toString(), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
}

export type { TwilioParams };

export type VoiceEnv = AppEnv & { Variables: { twilioParams: TwilioParams } };

/** The first value of a form parameter, trimmed; undefined when absent or blank. */
export function param(params: TwilioParams, name: string): string | undefined {
  const value = params[name];
  const first = (Array.isArray(value) ? value[0] : value)?.trim();
  return first === '' ? undefined : first;
}

type VerifyDeps = Pick<AppDeps, 'config' | 'log' | 'i18n'>;

/**
 * Guards a voice webhook: form-encoded, within size, and signed by Twilio with our auth token over
 * the public URL. Anything else is refused (403 for a missing or forged signature) before it is
 * acted on, so nothing is stored. Without Twilio credentials nothing can be verified and every
 * request is refused: accepting unsigned calls would let anyone speak for any number.
 * The verified parameters are left in `c.var.twilioParams`.
 */
export function verifyTwilioWebhook(deps: VerifyDeps): MiddlewareHandler<VoiceEnv> {
  const t = deps.i18n.forLocale(deps.config.defaultLocale);
  const refuse = (c: Context<VoiceEnv>, status: 400 | 403 | 413, code: string, message: string) =>
    c.json({ error: { code, message, requestId: c.get('requestId') ?? '' } }, status);
  const verify: MiddlewareHandler<VoiceEnv> = async (c, next) => {
    const form = await readSignedForm(c, deps.config, {
      path: new URL(c.req.url).pathname,
      maxBytes: MAX_VOICE_BODY_BYTES,
    });
    if (!form.ok) {
      if (form.refusal === 'not_form') return refuse(c, 400, 'malformed_request', t('voice:webhook.notForm'));
      if (form.refusal === 'too_large') {
        return refuse(c, 413, 'payload_too_large', t('voice:webhook.tooLarge'));
      }
      deps.log.warn(
        {
          requestId: c.get('requestId'),
          hasSignature: form.hasSignature,
          configured: form.configured,
        },
        'voice webhook refused: signature missing or invalid',
      );
      return refuse(c, 403, 'forbidden', t('voice:webhook.forbidden'));
    }
    const { params } = form;
    c.set('twilioParams', params);
    await next();
  };
  return every(
    bodyLimit({
      maxSize: MAX_VOICE_BODY_BYTES,
      onError: (c) => refuse(c as Context<VoiceEnv>, 413, 'payload_too_large', t('voice:webhook.tooLarge')),
    }),
    verify,
  );
}
