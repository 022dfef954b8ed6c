/**
 * The inbound phone line's questions and what each answer leads to. Every question is one step: the
 * step is named in the URL Twilio posts the answer to, and the rest of what the flow needs between
 * requests (the page of topics heard, the topic being answered, the misses so far) lives in the
 * call's state in `voice_calls`, so any gateway process can take the next request.
 */
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { z } from 'zod';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import {
  type JsonValue,
  LOCALES,
  type Locale,
  type LocalizedText,
  STANCES,
  type Stance,
} from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { ingest } from '../../src/pipeline/ingest.ts';
import { callStepId } from '../../src/voice/call-step-id.ts';
import { callerHasPendingQuestions } from '../../src/voice/caller-has-pending-questions.ts';
import { findTopicByNumber } from '../../src/voice/find-topic-by-number.ts';
import type { VoiceCall } from '../../src/voice/get-voice-call.ts';
import { type GlobalAction, type GlobalWords, globalActionOf } from '../../src/voice/global-keys.ts';
import { listOpenTopics, type OpenTopic } from '../../src/voice/list-open-topics.ts';
import { rememberCallerPreferences } from '../../src/voice/remember-caller-preferences.ts';
import { matchOption, type SpokenOption, spokenNumber, wordList } from '../../src/voice/spoken-choice.ts';
import { updateVoiceCall } from '../../src/voice/update-voice-call.ts';
import {
  ask,
  LOCALE_VOICES,
  newVoiceResponse,
  param,
  type Speech,
  say,
  type TwilioParams,
  voiceUrl,
} from './voice-twiml.ts';

export const VOICE_INBOUND_PATH = '/channels/voice/inbound';
/** The action of every question: `?step=<step>`. */
export const VOICE_ANSWER_PATH = '/channels/voice/answer';
/** The action of every recording: `?step=opinion:T23` or `?step=need:1`. */
export const VOICE_RECORDED_PATH = '/channels/voice/recorded';
/** Twilio's transcribeCallback for the recording of `?step=`. */
export const VOICE_TRANSCRIBED_PATH = '/channels/voice/transcribed';
/** C2: the pending satisfaction survey, question by question. */
export const VOICE_SURVEY_FLOW_PATH = '/channels/voice/survey';

export const INBOUND_STEPS = [
  'language',
  'menu',
  'topics',
  'code',
  'nine',
  'stance',
  'message',
  'offer',
] as const;
export type InboundStep = (typeof INBOUND_STEPS)[number];

/** Topics read per page: keys 1–8, so that 9, 0 and * keep their meaning everywhere. */
export const TOPICS_PER_PAGE = 8;
/** Longest spoken message, in seconds. */
export const MAX_MESSAGE_SECONDS = 120;
/**
 * Questions in a row without a single key or word after which the line is taken to be dead (a phone
 * left off the hook) and closed with a goodbye, once a person or call-back has been offered.
 */
export const DEAD_LINE_SILENCES = 9;

const inboundState = z.object({
  flow: z.literal('inbound').default('inbound'),
  step: z.enum(INBOUND_STEPS).default('menu'),
  misses: z.number().int().min(0).default(0),
  silence: z.number().int().min(0).default(0),
  page: z.number().int().min(0).optional(),
  pageCodes: z.array(z.string()).optional(),
  topic: z.string().optional(),
  stanceSpeech: z.string().optional(),
  stanceConfidence: z.number().optional(),
  offerFor: z.enum(INBOUND_STEPS).optional(),
});
export type InboundState = z.infer<typeof inboundState>;

export function inboundStateOf(call: VoiceCall): InboundState {
  const parsed = inboundState.safeParse(call.state.flow === 'inbound' ? call.state : {});
  return parsed.success ? parsed.data : inboundState.parse({});
}

export type FlowDeps = Pick<AppDeps, 'config' | 'clock' | 'i18n' | 'log'>;

/** One request of one call, as the flow sees it. */
export interface Turn {
  deps: FlowDeps;
  ctx: Ctx;
  call: VoiceCall;
  params: TwilioParams;
  state: InboundState;
  /** What this request changed on the call, written once when the answer is ready (`saveTurn`). */
  changed?: { state?: boolean; locale?: Locale; slowSpeech?: boolean };
}

export function speechOf(turn: Turn): Speech {
  return { locale: localeOf(turn), slow: turn.call.slowSpeech };
}

export function localeOf(turn: Turn): Locale {
  return turn.call.locale ?? turn.deps.config.defaultLocale;
}

/**
 * Phrases without parameters, per translator. Every step speaks a dozen of them and builds its hints
 * from word lists; the locale files do not change while the process runs.
 */
const phrases = new WeakMap<Translate, Map<string, string>>();
const wordLists = new WeakMap<Translate, Map<string, string[]>>();

function cached(t: Translate): Translate {
  let known = phrases.get(t);
  if (!known) {
    known = new Map();
    phrases.set(t, known);
  }
  const cache = known;
  return (key, params) => {
    if (params !== undefined) return t(key, params);
    let text = cache.get(key);
    if (text === undefined) {
      text = t(key);
      cache.set(key, text);
    }
    return text;
  };
}

/** The words of a comma-separated list in the locale files, read once per translator. */
function wordsOf(t: Translate, key: string): string[] {
  let known = wordLists.get(t);
  if (!known) {
    known = new Map();
    wordLists.set(t, known);
  }
  let list = known.get(key);
  if (!list) {
    list = wordList(t(key));
    known.set(key, list);
  }
  return list;
}

export function tOf(turn: Turn): Translate {
  return cached(turn.deps.i18n.forLocale(localeOf(turn)));
}

function words(turn: Turn, key: string): string[] {
  return wordsOf(turn.deps.i18n.forLocale(localeOf(turn)), key);
}

export function globalWords(t: Translate): GlobalWords {
  return {
    repeat: wordsOf(t, 'voice:keys.repeatWords'),
    person: wordsOf(t, 'voice:keys.personWords'),
    slow: wordsOf(t, 'voice:keys.slowWords'),
  };
}

function url(turn: Turn, path: string, query: Record<string, string> = {}): string {
  return voiceUrl(turn.deps.config.publicBaseUrl, path, query);
}

function answerUrl(turn: Turn, step: InboundStep): string {
  return url(turn, VOICE_ANSWER_PATH, { step });
}

/** The state as stored: JSON has no `undefined`, so unset keys are left out. */
export function storedState(state: InboundState): Record<string, JsonValue> {
  const stored: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(state)) if (value !== undefined) stored[key] = value;
  return stored;
}

function saveState(turn: Turn, state: InboundState): void {
  turn.state = state;
  turn.changed = { ...turn.changed, state: true };
}

/**
 * Writes what the request changed on the call in one statement, before the answer goes back to
 * Twilio (whose next request may reach another process).
 */
export async function saveTurn(turn: Turn): Promise<void> {
  const changed = turn.changed;
  if (!changed) return;
  turn.changed = undefined;
  const updated = await updateVoiceCall(turn.ctx, {
    callSid: turn.call.callSid,
    ...(changed.state ? { state: storedState(turn.state) } : {}),
    ...(changed.locale ? { locale: changed.locale } : {}),
    ...(changed.slowSpeech === undefined ? {} : { slowSpeech: changed.slowSpeech }),
  });
  if (updated) turn.call = updated;
}

/** A localized text in the caller's language, else Mandarin, else whatever there is. */
function localized(text: LocalizedText, locale: Locale): string {
  return text[locale] ?? text['zh-CN'] ?? text['zh-HK'] ?? text.en ?? '';
}

/** The first sentence of a summary, short enough to hear in one breath. */
export function oneLine(text: string): string {
  const first = text.split(/(?<=[。！？!?.])\s*|\n/u)[0]?.trim() ?? '';
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}

// ------------------------------------------------------------------ asking

type Variant = 'full' | 'simple';

export interface AskStepOptions {
  variant?: Variant;
  /** Said first, inside the question so the caller may answer straight away. */
  before?: string[];
}

/** Asks the question of `step` (after saving that the call is there), ready to send. */
export async function askStep(
  turn: Turn,
  step: InboundStep,
  options: AskStepOptions = {},
): Promise<VoiceResponse> {
  const variant = options.variant ?? 'full';
  const response = newVoiceResponse();
  const before = options.before ?? [];
  const t = tOf(turn);
  const speech = speechOf(turn);
  const lines = (gather: VoiceResponse.Gather, texts: string[]) => {
    for (const text of [...before, ...texts]) say(gather, text, speech);
  };
  // What follows the question if Twilio ever falls through it: ask the same question again.
  const fallThrough = () => response.redirect({ method: 'POST' }, answerUrl(turn, step));

  switch (step) {
    case 'language': {
      saveState(turn, { ...turn.state, step });
      const gather = ask(response, {
        action: answerUrl(turn, step),
        speech,
        numDigits: 1,
        hints: LOCALES.flatMap((l) => wordsOf(turn.deps.i18n.forLocale(l), 'voice:language.words')),
        speechLanguage: LOCALE_VOICES[turn.deps.config.defaultLocale].speechLanguage,
      });
      for (const text of before) say(gather, text, speech);
      // Each language is offered in itself, in its own voice.
      for (const locale of LOCALES) {
        const key = variant === 'full' ? 'voice:language.offer' : 'voice:language.offerShort';
        say(gather, turn.deps.i18n.forLocale(locale)(key), { locale, slow: speech.slow });
      }
      fallThrough();
      return response;
    }
    case 'menu': {
      saveState(turn, { ...turn.state, step, page: undefined, pageCodes: undefined });
      const survey = await offersSurvey(turn);
      const gather = ask(response, {
        action: answerUrl(turn, step),
        speech,
        numDigits: 1,
        hints: menuOptions(turn, survey).flatMap((o) => o.words),
      });
      if (variant === 'full') {
        lines(gather, [
          t('voice:menu.topics'),
          t('voice:menu.opinion'),
          t('voice:menu.need'),
          ...(survey ? [t('voice:menu.survey')] : []),
          t('voice:menu.callback'),
          t('voice:menu.keys'),
        ]);
      } else {
        lines(gather, [survey ? t('voice:menu.simpleWithSurvey') : t('voice:menu.simple')]);
      }
      fallThrough();
      return response;
    }
    case 'topics': {
      const page = turn.state.page ?? 0;
      const all = await listOpenTopics(turn.ctx, { residentId: turn.call.residentId });
      if (all.length === 0) {
        return askStep(turn, 'menu', { before: [...before, t('voice:topics.none')] });
      }
      const start = page * TOPICS_PER_PAGE < all.length ? page * TOPICS_PER_PAGE : 0;
      const shown = all.slice(start, start + TOPICS_PER_PAGE);
      const more = start + TOPICS_PER_PAGE < all.length;
      saveState(turn, {
        ...turn.state,
        step,
        page: start / TOPICS_PER_PAGE,
        pageCodes: shown.map((x) => x.code),
      });
      const gather = ask(response, {
        action: answerUrl(turn, step),
        speech,
        numDigits: 1,
        finishOnKey: '',
        hints: [
          ...shown.map((x) => localized(x.title, speech.locale)),
          ...words(turn, 'voice:topics.moreWords'),
          ...words(turn, 'voice:topics.menuWords'),
        ],
      });
      const listing =
        variant === 'full'
          ? [
              ...(start === 0 ? [t('voice:topics.intro', { total: all.length })] : []),
              ...shown.map((x, i) =>
                t('voice:topics.item', {
                  n: i + 1,
                  title: localized(x.title, speech.locale),
                  summary: oneLine(localized(x.summary, speech.locale)),
                }),
              ),
              t('voice:topics.choose'),
            ]
          : [t('voice:topics.simple', { last: shown.length })];
      lines(gather, [...listing, more ? t('voice:topics.more') : t('voice:topics.end')]);
      fallThrough();
      return response;
    }
    case 'code': {
      saveState(turn, { ...turn.state, step });
      const gather = ask(response, {
        action: answerUrl(turn, step),
        speech,
        finishOnKey: '#',
        hints: words(turn, 'voice:code.words'),
      });
      lines(gather, [variant === 'full' ? t('voice:code.prompt') : t('voice:code.simple')]);
      fallThrough();
      return response;
    }
    case 'nine': {
      saveState(turn, { ...turn.state, step });
      const gather = ask(response, {
        action: answerUrl(turn, step),
        speech,
        numDigits: 1,
        hints: [...words(turn, 'voice:nine.slowWords'), ...words(turn, 'voice:nine.topicWords')],
      });
      lines(gather, [t('voice:nine.prompt')]);
      fallThrough();
      return response;
    }
    case 'stance': {
      const topic = turn.state.topic ? await findTopicForCall(turn, turn.state.topic) : undefined;
      if (!topic) return askStep(turn, 'menu', { before });
      saveState(turn, { ...turn.state, step });
      const gather = ask(response, {
        action: answerUrl(turn, step),
        speech,
        numDigits: 1,
        hints: stanceOptions(turn).flatMap((o) => o.words),
      });
      lines(gather, [
        variant === 'full'
          ? t('voice:stance.prompt', { code: topic.code, title: localized(topic.title, speech.locale) })
          : t('voice:stance.simple'),
      ]);
      fallThrough();
      return response;
    }
    case 'message': {
      saveState(turn, { ...turn.state, step });
      const gather = ask(response, {
        action: answerUrl(turn, step),
        speech,
        numDigits: 1,
        hints: messageOptions(turn).flatMap((o) => o.words),
      });
      lines(gather, [variant === 'full' ? t('voice:message.prompt') : t('voice:message.simple')]);
      fallThrough();
      return response;
    }
    case 'offer': {
      saveState(turn, { ...turn.state, step });
      const gather = ask(response, {
        action: answerUrl(turn, step),
        speech,
        numDigits: 1,
        hints: [...offerOptions(turn).flatMap((o) => o.words), ...globalWords(t).person],
      });
      lines(gather, [t('voice:offer.prompt')]);
      fallThrough();
      return response;
    }
  }
}

async function offersSurvey(turn: Turn): Promise<boolean> {
  const residentId = turn.call.residentId;
  return residentId ? callerHasPendingQuestions(turn.ctx, { residentId }) : false;
}

async function findTopicForCall(turn: Turn, code: string): Promise<OpenTopic | undefined> {
  const number = Number.parseInt(code.replace(/^T/, ''), 10);
  const found = await findTopicByNumber(turn.ctx, number);
  return found?.open ? found.topic : undefined;
}

// ------------------------------------------------------------------ options per question

type MenuChoice = 'topics' | 'opinion' | 'need' | 'survey' | 'callback';

function menuOptions(turn: Turn, survey: boolean): SpokenOption<MenuChoice>[] {
  return [
    { value: 'topics', key: '1', words: words(turn, 'voice:menu.words.topics') },
    { value: 'opinion', key: '2', words: words(turn, 'voice:menu.words.opinion') },
    { value: 'need', key: '3', words: words(turn, 'voice:menu.words.need') },
    ...(survey
      ? [{ value: 'survey' as const, key: '4', words: words(turn, 'voice:menu.words.survey') }]
      : []),
    { value: 'callback', key: '5', words: words(turn, 'voice:menu.words.callback') },
  ];
}

function stanceOptions(turn: Turn): SpokenOption<Stance>[] {
  return [
    { value: 'support', key: '1', words: words(turn, 'voice:stance.words.support') },
    { value: 'oppose', key: '2', words: words(turn, 'voice:stance.words.oppose') },
    { value: 'suggestion', key: '3', words: words(turn, 'voice:stance.words.suggestion') },
  ];
}

function messageOptions(turn: Turn): SpokenOption<'record' | 'skip'>[] {
  return [
    { value: 'record', key: '1', words: words(turn, 'voice:message.words.record') },
    { value: 'skip', key: '2', words: words(turn, 'voice:message.words.skip') },
  ];
}

function offerOptions(turn: Turn): SpokenOption<'callback'>[] {
  return [{ value: 'callback', key: '1', words: words(turn, 'voice:offer.words.callback') }];
}

// ------------------------------------------------------------------ answering

export interface Heard {
  digits: string | undefined;
  speech: string | undefined;
  confidence: number | undefined;
}

export function heardOf(params: TwilioParams): Heard {
  const confidence = Number.parseFloat(param(params, 'Confidence') ?? '');
  return {
    digits: param(params, 'Digits'),
    speech: param(params, 'SpeechResult'),
    confidence: Number.isFinite(confidence) && confidence >= 0 && confidence <= 1 ? confidence : undefined,
  };
}

/** What happens next, for the route to carry out. */
export type Next =
  | { kind: 'twiml'; response: VoiceResponse }
  /** Put the caller through to a person (or book a call-back out of hours). */
  | { kind: 'person'; reason: PersonReason }
  /** Book a call-back: asked for in the menu, or accepted after not being understood. */
  | { kind: 'callback'; reason: 'requested' | 'not_understood' };

/** Why the caller is going to a person: they pressed 0 (or said so), or could not be understood. */
export type PersonReason = 'asked' | 'not_understood';

const twiml = (response: VoiceResponse): Next => ({ kind: 'twiml', response });

/** Handles the answer to `step`. */
export async function answerStep(turn: Turn, step: InboundStep): Promise<Next> {
  const heard = heardOf(turn.params);
  if (!heard.digits && !heard.speech) return miss(turn, step, 'noInput');
  const t = tOf(turn);

  // Keys first: `*`, `0`, `9` mean the same on every question (a topic code of 9 is asked about).
  const keyed = heard.digits ? globalActionOf({ digits: heard.digits }, globalWords(t)) : undefined;
  if (keyed && !(step === 'code' && keyed === 'slow')) return globalAction(turn, step, keyed);

  const answered = await answerOwn(turn, step, heard);
  if (answered) return answered;
  // Spoken requests for repeat / a person / slower speech, when the words answered nothing else.
  const spoken = heard.speech ? globalActionOf({ speech: heard.speech }, globalWords(t)) : undefined;
  if (spoken) return globalAction(turn, step, spoken);
  return miss(turn, step, 'noMatch');
}

async function globalAction(turn: Turn, step: InboundStep, action: GlobalAction): Promise<Next> {
  switch (action) {
    case 'repeat':
      if (step === 'offer' && turn.state.offerFor) {
        const back = turn.state.offerFor;
        turn.state = { ...turn.state, misses: 0, offerFor: undefined };
        return twiml(await askStep(turn, back));
      }
      return twiml(await askStep(turn, step));
    case 'person':
      turn.state = { ...turn.state, misses: 0, silence: 0 };
      saveState(turn, turn.state);
      return { kind: 'person', reason: step === 'offer' ? 'not_understood' : 'asked' };
    case 'slow':
      await slowDown(turn);
      return twiml(
        await askStep(turn, step === 'offer' ? (turn.state.offerFor ?? 'menu') : step, {
          before: [tOf(turn)('voice:slow.on')],
        }),
      );
  }
}

async function slowDown(turn: Turn): Promise<void> {
  turn.call = { ...turn.call, slowSpeech: true };
  turn.changed = { ...turn.changed, slowSpeech: true };
  if (turn.call.residentId) {
    await rememberCallerPreferences(turn.ctx, { residentId: turn.call.residentId, slowSpeech: true });
  }
}

/**
 * No input, or input that answers nothing. The first time, the question again, more simply; the
 * second, an offer of a person or a call-back; after that, a person (a transfer in office hours, a
 * call-back otherwise). The call is never hung up on a caller who is trying.
 */
export async function miss(
  turn: Turn,
  step: InboundStep,
  kind: 'noInput' | 'noMatch',
  why?: string,
): Promise<Next> {
  const t = tOf(turn);
  const reason = why ?? t(`voice:retry.${kind}`);
  const silence = kind === 'noInput' ? turn.state.silence + 1 : 0;
  if (step === 'offer') {
    turn.state = { ...turn.state, misses: 0, silence, offerFor: undefined };
    if (silence >= DEAD_LINE_SILENCES) return twiml(goodbye(turn));
    saveState(turn, turn.state);
    return { kind: 'person', reason: 'not_understood' };
  }
  const misses = turn.state.misses + 1;
  turn.state = { ...turn.state, misses, silence };
  if (silence >= DEAD_LINE_SILENCES) return twiml(goodbye(turn));
  if (misses >= 2) {
    turn.state = { ...turn.state, misses: 0, offerFor: step };
    return twiml(await askStep(turn, 'offer', { before: [reason] }));
  }
  return twiml(await askStep(turn, step, { variant: 'simple', before: [reason] }));
}

function goodbye(turn: Turn): VoiceResponse {
  const response = newVoiceResponse();
  say(response, tOf(turn)('voice:goodbye.silent', { helpPhone: turn.deps.config.helpPhone }), speechOf(turn));
  response.hangup();
  return response;
}

/** Moving on to another question: the count of misses starts again. */
function understood(turn: Turn, patch: Partial<InboundState> = {}): void {
  turn.state = { ...turn.state, ...patch, misses: 0, silence: 0 };
}

async function answerOwn(turn: Turn, step: InboundStep, heard: Heard): Promise<Next | undefined> {
  const t = tOf(turn);
  switch (step) {
    case 'language': {
      const options: SpokenOption<Locale>[] = LOCALES.map((locale, i) => ({
        value: locale,
        key: String(i + 1),
        words: wordsOf(turn.deps.i18n.forLocale(locale), 'voice:language.words'),
      }));
      const locale = matchOption(heard, options);
      if (!locale) return undefined;
      turn.call = { ...turn.call, locale };
      turn.changed = { ...turn.changed, locale };
      if (turn.call.residentId) {
        await rememberCallerPreferences(turn.ctx, { residentId: turn.call.residentId, locale });
      }
      understood(turn);
      return twiml(await askStep(turn, 'menu'));
    }
    case 'menu': {
      const survey = await offersSurvey(turn);
      const choice = matchOption(heard, menuOptions(turn, survey));
      if (!choice) {
        if (heard.digits === '4' && !survey) {
          understood(turn);
          return twiml(await askStep(turn, 'menu', { before: [t('voice:menu.noSurvey')] }));
        }
        return undefined;
      }
      understood(turn);
      switch (choice) {
        case 'topics':
          turn.state = { ...turn.state, page: 0 };
          return twiml(await askStep(turn, 'topics'));
        case 'opinion':
          return twiml(await askStep(turn, 'code'));
        case 'need':
          return twiml(await recordNeed(turn));
        case 'survey': {
          saveState(turn, { ...turn.state, step: 'menu' });
          const response = newVoiceResponse();
          response.redirect({ method: 'POST' }, url(turn, VOICE_SURVEY_FLOW_PATH));
          return twiml(response);
        }
        case 'callback':
          saveState(turn, turn.state);
          return { kind: 'callback', reason: 'requested' };
      }
      return undefined;
    }
    case 'topics': {
      const codes = turn.state.pageCodes ?? [];
      if (
        heard.digits === '#' ||
        matchOption({ speech: heard.speech }, [
          { value: 'more', words: words(turn, 'voice:topics.moreWords') },
        ])
      ) {
        understood(turn, { page: (turn.state.page ?? 0) + 1 });
        const all = await listOpenTopics(turn.ctx, { residentId: turn.call.residentId });
        if ((turn.state.page ?? 0) * TOPICS_PER_PAGE >= all.length) {
          return twiml(await askStep(turn, 'menu'));
        }
        return twiml(await askStep(turn, 'topics'));
      }
      if (
        heard.speech &&
        matchOption({ speech: heard.speech }, [
          { value: 'menu', words: words(turn, 'voice:topics.menuWords') },
        ])
      ) {
        understood(turn);
        return twiml(await askStep(turn, 'menu'));
      }
      const n = heard.digits ? Number.parseInt(heard.digits, 10) : spokenNumber(heard.speech ?? '');
      let code = n !== undefined && n >= 1 && n <= codes.length ? codes[n - 1] : undefined;
      if (!code && heard.speech) {
        code = await topicByTitle(turn, heard.speech, codes);
      }
      if (!code) return undefined;
      understood(turn, { topic: code, stanceSpeech: undefined, stanceConfidence: undefined });
      return twiml(await askStep(turn, 'stance'));
    }
    case 'code': {
      const n = heard.digits
        ? Number.parseInt(heard.digits.replace(/\D/g, ''), 10)
        : spokenNumber(heard.speech ?? '');
      if (n === undefined || Number.isNaN(n)) return undefined;
      const found = await findTopicByNumber(turn.ctx, n);
      if (heard.digits === '9') {
        if (found?.open) return twiml(await askStep(turn, 'nine'));
        return globalAction(turn, step, 'slow');
      }
      if (!found) return miss(turn, step, 'noMatch', t('voice:code.notFound', { code: `T${n}` }));
      understood(turn);
      if (!found.open) {
        return twiml(
          await askStep(turn, 'menu', { before: [t('voice:code.notOpen', { code: found.topic.code })] }),
        );
      }
      turn.state = {
        ...turn.state,
        topic: found.topic.code,
        stanceSpeech: undefined,
        stanceConfidence: undefined,
      };
      return twiml(await askStep(turn, 'stance'));
    }
    case 'nine': {
      const choice = matchOption(heard, [
        { value: 'slow' as const, key: '1', words: words(turn, 'voice:nine.slowWords') },
        { value: 'topic' as const, key: '2', words: words(turn, 'voice:nine.topicWords') },
      ]);
      if (!choice) return undefined;
      understood(turn);
      if (choice === 'slow') {
        await slowDown(turn);
        return twiml(await askStep(turn, 'code', { before: [tOf(turn)('voice:slow.on')] }));
      }
      turn.state = { ...turn.state, topic: 'T9', stanceSpeech: undefined, stanceConfidence: undefined };
      return twiml(await askStep(turn, 'stance'));
    }
    case 'stance': {
      const stance = matchOption(heard, stanceOptions(turn));
      if (!stance) return undefined;
      return recordStance(turn, stance, heard);
    }
    case 'message': {
      const choice = matchOption(heard, messageOptions(turn));
      if (!choice) return undefined;
      understood(turn);
      if (choice === 'skip') {
        return twiml(await askStep(turn, 'menu', { before: [t('voice:message.thanks')] }));
      }
      return twiml(await recordMessage(turn));
    }
    case 'offer': {
      const choice = matchOption(heard, offerOptions(turn));
      if (!choice) return undefined;
      understood(turn, { offerFor: undefined });
      saveState(turn, turn.state);
      return { kind: 'callback', reason: 'not_understood' };
    }
  }
}

async function topicByTitle(turn: Turn, speech: string, codes: string[]): Promise<string | undefined> {
  const all = await listOpenTopics(turn.ctx, { residentId: turn.call.residentId });
  const options = all
    .filter((x) => codes.includes(x.code))
    .map((x) => ({ value: x.code, words: [localized(x.title, localeOf(turn))] }));
  return matchOption({ speech }, options);
}

/** Stores the opinion as soon as the caller gives it: a call dropped later keeps it. */
async function recordStance(turn: Turn, stance: Stance, heard: Heard): Promise<Next> {
  const t = tOf(turn);
  const code = turn.state.topic;
  if (!code) return twiml(await askStep(turn, 'menu'));
  const result = await ingest(turn.ctx, {
    channel: 'voice',
    externalId: callStepId(turn.call.callSid, `opinion:${code}`),
    actor: {
      type: 'resident',
      via: 'voice',
      ...(turn.call.residentId ? { residentId: turn.call.residentId } : {}),
    },
    declaredKind: 'opinion',
    topicRef: code,
    stance,
    // What chose it: the key pressed, or the words heard.
    choice: heard.digits ?? heard.speech,
    language: localeOf(turn),
    receivedAt: turn.deps.clock.now(),
  });
  understood(turn, {
    stanceSpeech: heard.digits ? undefined : heard.speech,
    stanceConfidence: heard.digits ? undefined : heard.confidence,
  });
  if (result.outcome.kind !== 'opinion' || result.outcome.messageKey === 'pipeline:opinion.topicNotOpen') {
    return twiml(await askStep(turn, 'menu', { before: [t('voice:code.notOpen', { code })] }));
  }
  // What is stored is what the caller hears: a second answer on the same topic in one call keeps the first.
  const stored = STANCES.find((x) => x === result.outcome.params.stance) ?? stance;
  const before = [
    ...(stored === stance ? [] : [t('voice:stance.already', { code })]),
    t(`voice:stance.recorded.${stored}`, { code }),
  ];
  return twiml(await askStep(turn, 'message', { before }));
}

function recordingTwiml(turn: Turn, step: string, prompt: string): VoiceResponse {
  const response = newVoiceResponse();
  say(response, prompt, speechOf(turn));
  response.record({
    action: url(turn, VOICE_RECORDED_PATH, { step }),
    method: 'POST',
    maxLength: MAX_MESSAGE_SECONDS,
    timeout: 8,
    finishOnKey: '#',
    playBeep: true,
    transcribe: true,
    transcribeCallback: url(turn, VOICE_TRANSCRIBED_PATH, { step }),
  });
  // An empty recording does not call the action: Twilio goes on here instead.
  response.redirect({ method: 'POST' }, url(turn, VOICE_RECORDED_PATH, { step }));
  return response;
}

async function recordMessage(turn: Turn): Promise<VoiceResponse> {
  const code = turn.state.topic ?? '';
  saveState(turn, { ...turn.state, step: 'message' });
  return recordingTwiml(turn, `opinion:${code}`, tOf(turn)('voice:record.prompt'));
}

async function recordNeed(turn: Turn): Promise<VoiceResponse> {
  saveState(turn, { ...turn.state, step: 'menu' });
  return recordingTwiml(turn, 'need', tOf(turn)('voice:need.prompt'));
}
