/**
 * The satisfaction survey by phone (C2), for outbound survey calls and for callers the phone menu
 * sends here: the caller's pending survey question, one at a time, answered by keys or speech and
 * stored through the same pipeline as SMS answers. `*` repeats, `0` reaches a person, `9` slows the
 * speech. No input or no match gets the question again more simply, then the offer of a person; a
 * caller who is trying is never hung up on. A dropped call keeps what was answered; the rest stays
 * pending for the next call or text.
 */
import { Hono } from 'hono';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { z } from 'zod';
import type { AppDeps } from '../../src/app-deps.ts';
import { getPendingPrompt, type PromptQuestion } from '../../src/conversations/get-pending-prompt.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { Locale, LocalizedText, QuestionKind } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { answerVoiceSurvey } from '../../src/voice/answer-voice-survey.ts';
import type { VoiceCall } from '../../src/voice/get-voice-call.ts';
import { getVoiceCall } from '../../src/voice/get-voice-call.ts';
import { type GlobalAction, globalActionOf } from '../../src/voice/global-keys.ts';
import { rememberCallerPreferences } from '../../src/voice/remember-caller-preferences.ts';
import { wordList } from '../../src/voice/spoken-choice.ts';
import { updateVoiceCall } from '../../src/voice/update-voice-call.ts';
import { DEAD_LINE_SILENCES, globalWords, heardOf, VOICE_SURVEY_FLOW_PATH } from './inbound-flow.ts';
import { VOICE_MENU_PATH } from './reach-person.ts';
import {
  ask,
  newVoiceResponse,
  param,
  redirectToPerson,
  type Speech,
  say,
  twimlReply,
  type VoiceEnv,
  verifyTwilioWebhook,
  voiceUrl,
} from './voice-twiml.ts';

export const VOICE_SURVEY_PATH = VOICE_SURVEY_FLOW_PATH;

/** What the survey flow keeps in the call's state between requests. */
const surveyState = z.object({
  flow: z.literal('survey').default('survey'),
  step: z.literal('question').default('question'),
  /** Consecutive times the question got no input or no match. */
  misses: z.number().int().min(0).default(0),
  /** Consecutive questions without a single key or word: a line gone dead. */
  silence: z.number().int().min(0).default(0),
  /** The keys (*, 0, 9) were explained on this call. */
  introduced: z.boolean().default(false),
});
export type SurveyState = z.infer<typeof surveyState>;

function surveyStateOf(call: VoiceCall): SurveyState {
  const parsed = surveyState.safeParse(call.state.flow === 'survey' ? call.state : {});
  return parsed.success ? parsed.data : surveyState.parse({});
}

type SurveyDeps = Pick<AppDeps, 'config' | 'database' | 'clock' | 'log' | 'pii' | 'i18n'>;

const HINT_KEY: Record<QuestionKind, string> = {
  satisfaction: 'satisfaction',
  yes_no: 'yesNo',
  text: 'text',
};

function localized(text: LocalizedText, locale: Locale): string {
  return (text[locale] ?? text['zh-CN'] ?? text['zh-HK'] ?? text.en ?? '').trim();
}

/** A phone number read digit by digit ("1 2 3 4 5"), never as one large number. */
export function spokenDigits(phone: string): string {
  return [...phone.replace(/[^\d+]/g, '')].join(' ');
}

/** One request of one call. */
interface Turn {
  deps: SurveyDeps;
  ctx: Ctx;
  call: VoiceCall;
  state: SurveyState;
  t: Translate;
}

function speechOf(turn: Turn): Speech {
  return { locale: turn.call.locale ?? turn.deps.config.defaultLocale, slow: turn.call.slowSpeech };
}

async function saveState(turn: Turn, state: SurveyState): Promise<void> {
  turn.state = state;
  const updated = await updateVoiceCall(turn.ctx, { callSid: turn.call.callSid, state });
  if (updated) turn.call = updated;
}

function answerUrl(turn: Turn, questionId: string): string {
  return voiceUrl(turn.deps.config.publicBaseUrl, VOICE_SURVEY_PATH, { step: 'answer', q: questionId });
}

/**
 * Asks `question`: the full wording with its keys, or (after a miss) the short form. Said inside the
 * `<Gather>` so the caller may answer before it ends; if Twilio ever falls through, the same question
 * is asked again rather than the call ending.
 */
async function askQuestion(
  turn: Turn,
  question: PromptQuestion,
  total: number,
  options: { before?: string[]; simple?: boolean } = {},
): Promise<VoiceResponse> {
  const { t } = turn;
  const speech = speechOf(turn);
  const before = [...(options.before ?? [])];
  if (!turn.state.introduced) before.push(t('calls:keys'));
  await saveState(turn, { ...turn.state, step: 'question', introduced: true });
  const response = newVoiceResponse();
  const kind = HINT_KEY[question.kind];
  const gather = ask(response, {
    action: answerUrl(turn, question.id),
    speech,
    numDigits: 1,
    hints: [...wordList(t(`calls:hints.${kind}`)), ...Object.values(globalWords(t)).flat()],
  });
  const wording = options.simple
    ? t(`calls:reprompt.${kind}`)
    : `${total > 1 ? t('calls:question.progress', { position: question.ordinal, total }) : ''}${t(
        `calls:question.${kind}`,
        { prompt: localized(question.prompt, speech.locale) },
      )}`;
  for (const text of [...before, wording]) say(gather, text, speech);
  response.redirect({ method: 'POST' }, answerUrl(turn, question.id));
  return response;
}

/** The end of the survey: thanks; an inbound caller goes back to the menu, a survey call ends. */
function finish(turn: Turn, key: 'calls:thanks' | 'calls:noSurvey', before: string[] = []): VoiceResponse {
  const response = newVoiceResponse();
  const speech = speechOf(turn);
  for (const text of [...before, turn.t(key)]) say(response, text, speech);
  if (turn.call.direction === 'inbound') {
    response.redirect({ method: 'POST' }, voiceUrl(turn.deps.config.publicBaseUrl, VOICE_MENU_PATH));
  } else {
    response.hangup();
  }
  return response;
}

/** A silent line: what was answered is kept, and the caller is told how to carry on later. */
function deadLine(turn: Turn): VoiceResponse {
  const response = newVoiceResponse();
  say(response, turn.t('calls:silence', { phone: spokenDigits(turn.deps.config.helpPhone) }), speechOf(turn));
  response.hangup();
  return response;
}

/** The question the caller's pending survey prompt is at, or undefined when none is pending. */
async function pendingQuestion(turn: Turn) {
  const residentId = turn.call.residentId;
  if (!residentId) return undefined;
  const prompt = await getPendingPrompt(turn.ctx, { residentId });
  if (prompt?.kind !== 'survey_question' || !prompt.survey || !prompt.question) return undefined;
  return { question: prompt.question, total: prompt.survey.questionCount };
}

async function askPending(turn: Turn, before: string[] = [], simple = false): Promise<VoiceResponse> {
  const pending = await pendingQuestion(turn);
  if (!pending) return finish(turn, 'calls:noSurvey', before);
  return askQuestion(turn, pending.question, pending.total, { before, simple });
}

async function globalAction(turn: Turn, action: GlobalAction): Promise<VoiceResponse> {
  switch (action) {
    case 'repeat':
      await saveState(turn, { ...turn.state, misses: 0, silence: 0 });
      return askPending(turn);
    case 'person': {
      await saveState(turn, { ...turn.state, misses: 0, silence: 0 });
      const response = newVoiceResponse();
      // Back here after a call-back is booked (or a transfer ends): the question is still pending.
      redirectToPerson(response, turn.deps.config.publicBaseUrl, VOICE_SURVEY_PATH);
      return response;
    }
    case 'slow': {
      const updated = await updateVoiceCall(turn.ctx, { callSid: turn.call.callSid, slowSpeech: true });
      if (updated) turn.call = updated;
      if (turn.call.residentId) {
        await rememberCallerPreferences(turn.ctx, { residentId: turn.call.residentId, slowSpeech: true });
      }
      await saveState(turn, { ...turn.state, misses: 0, silence: 0 });
      return askPending(turn, [turn.t('calls:slower')]);
    }
  }
}

/** No input or no match: the short form of the question, from the second miss on with a person offered. */
async function miss(turn: Turn, kind: 'noInput' | 'noMatch'): Promise<VoiceResponse> {
  const misses = turn.state.misses + 1;
  const silence = kind === 'noInput' ? turn.state.silence + 1 : 0;
  await saveState(turn, { ...turn.state, misses, silence });
  if (silence >= DEAD_LINE_SILENCES) return deadLine(turn);
  return askPending(turn, misses >= 2 ? [turn.t('calls:offerPerson')] : [], true);
}

async function answer(turn: Turn, questionId: string, params: VoiceEnv['Variables']['twilioParams']) {
  const heard = heardOf(params);
  const words = globalWords(turn.t);
  // `*`, `0` and `9` are never answers to a survey question (skipping is said: 跳过).
  const keyed = heard.digits ? globalActionOf({ digits: heard.digits }, words) : undefined;
  if (keyed) return globalAction(turn, keyed);
  const residentId = turn.call.residentId;
  if (!residentId) return finish(turn, 'calls:noSurvey');

  const result = await answerVoiceSurvey(turn.ctx, {
    callSid: turn.call.callSid,
    residentId,
    questionId,
    ...(heard.digits ? { digits: heard.digits } : {}),
    ...(heard.speech ? { speech: heard.speech } : {}),
    ...(heard.confidence !== undefined ? { confidence: heard.confidence } : {}),
    locale: speechOf(turn).locale,
    receivedAt: turn.ctx.clock.now(),
  });
  switch (result.outcome) {
    case 'moved_on':
      // A repeated request for a question already answered: carry on where the survey is.
      return askPending(turn);
    case 'no_match': {
      const spoken = heard.speech ? globalActionOf({ speech: heard.speech }, words) : undefined;
      if (spoken) return globalAction(turn, spoken);
      return miss(turn, result.heard ? 'noMatch' : 'noInput');
    }
    case 'answered':
    case 'skipped': {
      await saveState(turn, { ...turn.state, misses: 0, silence: 0 });
      const ack = turn.t(result.outcome === 'answered' ? 'calls:answered' : 'calls:skipped');
      if (!result.next) return finish(turn, 'calls:thanks', [ack]);
      return askQuestion(turn, result.next, result.total, { before: [ack] });
    }
  }
}

/** `POST /channels/voice/survey` (entry, and `?step=answer&q=<question>` for each answer). */
export function createVoiceSurveyApp(deps: SurveyDeps): Hono<VoiceEnv> {
  const app = new Hono<VoiceEnv>();

  app.post(VOICE_SURVEY_PATH, verifyTwilioWebhook(deps), async (c) => {
    const params = c.var.twilioParams;
    const log = deps.log.child({ requestId: c.get('requestId'), component: 'voice-survey' });
    const ctx: Ctx = {
      actor: { type: 'system', job: 'voice-survey' },
      db: deps.database.db,
      clock: deps.clock,
      log,
      pii: deps.pii,
    };
    const callSid = param(params, 'CallSid');
    const call = callSid ? await getVoiceCall(ctx, callSid) : undefined;
    if (!call) {
      // Only ever reached from a call the gateway answered; without its record there is no caller
      // to ask, so they are told how to reach the hall instead of hearing silence.
      log.warn({ hasCallSid: Boolean(callSid) }, 'survey request for a call the gateway does not know');
      const response = newVoiceResponse();
      const t = deps.i18n.forLocale(deps.config.defaultLocale);
      say(response, t('calls:unavailable', { phone: spokenDigits(deps.config.helpPhone) }), {
        locale: deps.config.defaultLocale,
        slow: false,
      });
      response.hangup();
      return twimlReply(c, response);
    }
    const actorCtx: Ctx = {
      ...ctx,
      actor: { type: 'resident', via: 'voice', ...(call.residentId ? { residentId: call.residentId } : {}) },
    };
    const turn: Turn = {
      deps,
      ctx: actorCtx,
      call,
      state: surveyStateOf(call),
      t: deps.i18n.forLocale(call.locale ?? deps.config.defaultLocale),
    };
    const query = new URL(c.req.url).searchParams;
    const questionId = query.get('q');
    if (query.get('step') === 'answer' && questionId && z.uuid().safeParse(questionId).success) {
      return twimlReply(c, await answer(turn, questionId, params));
    }
    // Entering the survey (from the call's greeting or the phone menu): a fresh count of misses.
    await saveState(turn, { ...turn.state, misses: 0, silence: 0 });
    return twimlReply(c, await askPending(turn));
  });

  return app;
}
