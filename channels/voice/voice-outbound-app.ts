/**
 * The answer URL of outbound calls: `POST /channels/voice/outbound?delivery=<id>`, requested by Twilio
 * when a call placed by the voice sender is picked up (after answering-machine detection). A machine
 * gets a short message with the number to call back. A person hears the delivery's text and then,
 * by what the call is for: the survey flow, a notice (about a topic open for opinions: support 1 /
 * oppose 2, by key or speech), or a proxy record read back to confirm (1) or dispute (2).
 */
import { type Context, Hono } from 'hono';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { z } from 'zod';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { ServiceError } from '../../src/core/errors.ts';
import type { Locale } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { ingest } from '../../src/pipeline/ingest.ts';
import { answerProxyConfirmation } from '../../src/proxy/answer-proxy-confirmation.ts';
import { answerOutboundCall, type OutboundCallPlan } from '../../src/voice/answer-outbound-call.ts';
import { getVoiceCall, type VoiceCall } from '../../src/voice/get-voice-call.ts';
import { type GlobalAction, globalActionOf } from '../../src/voice/global-keys.ts';
import { confirmationOf, heard, stanceOf } from '../../src/voice/outbound-call-choices.ts';
import { hallName } from '../../src/voice/outbound-call-message.ts';
import { rememberCallerPreferences } from '../../src/voice/remember-caller-preferences.ts';
import { wordList } from '../../src/voice/spoken-choice.ts';
import { CALL_SID } from '../../src/voice/start-voice-call.ts';
import { updateVoiceCall } from '../../src/voice/update-voice-call.ts';
import { DEAD_LINE_SILENCES, globalWords, heardOf } from './inbound-flow.ts';
import { DELIVERY_PARAM, VOICE_OUTBOUND_PATH } from './twilio-voice-sender.ts';
import { spokenDigits, VOICE_SURVEY_PATH } from './voice-survey-app.ts';
import {
  ask,
  newVoiceResponse,
  param,
  redirectToPerson,
  type Speech,
  say,
  type TwilioParams,
  twimlReply,
  type VoiceEnv,
  verifyTwilioWebhook,
  voiceUrl,
} from './voice-twiml.ts';

/** Where a notice's "support or oppose" is answered. */
export const VOICE_OUTBOUND_NOTICE_PATH = `${VOICE_OUTBOUND_PATH}/notice`;
/** Where a proxy record's "right or wrong" is answered. */
export const VOICE_OUTBOUND_CONFIRM_PATH = `${VOICE_OUTBOUND_PATH}/confirm`;

type OutboundDeps = Pick<AppDeps, 'config' | 'database' | 'clock' | 'log' | 'pii' | 'i18n'>;

const outboundState = z.object({
  flow: z.literal('outbound').default('outbound'),
  step: z.enum(['notice', 'confirm', 'voicemail']).default('notice'),
  misses: z.number().int().min(0).default(0),
  silence: z.number().int().min(0).default(0),
});
type OutboundState = z.infer<typeof outboundState>;

function outboundStateOf(call: VoiceCall | undefined): OutboundState {
  const parsed = outboundState.safeParse(call?.state.flow === 'outbound' ? call.state : {});
  return parsed.success ? parsed.data : outboundState.parse({});
}

type Question = 'notice' | 'confirm';

/** One request of one answered call. */
interface Turn {
  deps: OutboundDeps;
  ctx: Ctx;
  callSid: string;
  deliveryId: string;
  plan: Exclude<OutboundCallPlan, { kind: 'unknown' }>;
  state: OutboundState;
  speech: Speech;
  t: Translate;
}

const deliveryIdSchema = z.uuid();

function url(turn: Pick<Turn, 'deps' | 'deliveryId'>, path: string): string {
  return voiceUrl(turn.deps.config.publicBaseUrl, path, { [DELIVERY_PARAM]: turn.deliveryId });
}

async function saveState(turn: Turn, state: OutboundState): Promise<void> {
  turn.state = state;
  await updateVoiceCall(turn.ctx, { callSid: turn.callSid, state });
}

function goodbye(turn: Turn, text: string): VoiceResponse {
  const response = newVoiceResponse();
  say(response, text, turn.speech);
  response.hangup();
  return response;
}

/** The question after a notice or a read-back, with the text itself inside so a key can cut it short. */
async function askAbout(
  turn: Turn,
  question: Question,
  options: { simple?: boolean; before?: string[] } = {},
): Promise<VoiceResponse> {
  const { t } = turn;
  await saveState(turn, { ...turn.state, step: question });
  const response = newVoiceResponse();
  const action = url(turn, question === 'notice' ? VOICE_OUTBOUND_NOTICE_PATH : VOICE_OUTBOUND_CONFIRM_PATH);
  const words = question === 'notice' ? 'stance' : 'confirm';
  const gather = ask(response, {
    action,
    speech: turn.speech,
    numDigits: 1,
    hints: [...wordList(t(`calls:hints.${words}`)), ...Object.values(globalWords(t)).flat()],
  });
  const texts = [...(options.before ?? [])];
  if (options.simple) {
    texts.push(t(`calls:reprompt.${words}`));
  } else {
    if ('body' in turn.plan) texts.push(turn.plan.body);
    // A read-back already says how to answer it (1 / 属实, 2 / 有误); a notice does not.
    if (question === 'notice') {
      texts.push(t(asksStance(turn) ? 'calls:notice.ask' : 'calls:notice.repeatHint'));
    }
  }
  for (const text of texts) say(gather, text, turn.speech);
  response.redirect({ method: 'POST' }, action);
  return response;
}

/** True when this notice asks for support or opposition (a topic still taking opinions). */
function asksStance(turn: Turn): boolean {
  return turn.plan.kind === 'notice' && turn.plan.topic?.asksStance === true;
}

async function globalAction(turn: Turn, question: Question, action: GlobalAction): Promise<VoiceResponse> {
  await saveState(turn, { ...turn.state, misses: 0, silence: 0 });
  switch (action) {
    case 'repeat':
      return askAbout(turn, question);
    case 'person': {
      const response = newVoiceResponse();
      // After a call-back is booked the caller comes back to hear the call's message again (the
      // delivery is found from the call's record: a return path carries no query).
      redirectToPerson(response, turn.deps.config.publicBaseUrl, VOICE_OUTBOUND_PATH);
      return response;
    }
    case 'slow': {
      await updateVoiceCall(turn.ctx, { callSid: turn.callSid, slowSpeech: true });
      const residentId = turn.ctx.actor.type === 'resident' ? turn.ctx.actor.residentId : undefined;
      if (residentId) await rememberCallerPreferences(turn.ctx, { residentId, slowSpeech: true });
      turn.speech = { ...turn.speech, slow: true };
      return askAbout(turn, question, { before: [turn.t('calls:slower')] });
    }
  }
}

async function miss(turn: Turn, question: Question, kind: 'noInput' | 'noMatch'): Promise<VoiceResponse> {
  const misses = turn.state.misses + 1;
  const silence = kind === 'noInput' ? turn.state.silence + 1 : 0;
  await saveState(turn, { ...turn.state, misses, silence });
  if (silence >= DEAD_LINE_SILENCES) {
    return goodbye(turn, turn.t('calls:unavailable', { phone: spokenDigits(turn.deps.config.helpPhone) }));
  }
  return askAbout(turn, question, {
    simple: true,
    before: misses >= 2 ? [turn.t('calls:offerPerson')] : [],
  });
}

async function answerNotice(turn: Turn, params: TwilioParams): Promise<VoiceResponse> {
  const input = heardOf(params);
  const words = globalWords(turn.t);
  const keyed = input.digits ? globalActionOf({ digits: input.digits }, words) : undefined;
  if (keyed) return globalAction(turn, 'notice', keyed);
  const said = heard(input);
  if (!asksStance(turn) || turn.plan.kind !== 'notice' || !turn.plan.topic) {
    // A notice that asks nothing: heard once, it may be repeated with `*`; anything else ends it.
    return goodbye(turn, turn.t('calls:notice.goodbye'));
  }
  const stance = said ? stanceOf(said.text) : undefined;
  if (!stance) {
    const spoken = input.speech ? globalActionOf({ speech: input.speech }, words) : undefined;
    if (spoken) return globalAction(turn, 'notice', spoken);
    return miss(turn, 'notice', said ? 'noMatch' : 'noInput');
  }
  const actor = turn.ctx.actor;
  const result = await ingest(turn.ctx, {
    channel: 'voice',
    externalId: `${turn.callSid}:notice`,
    actor,
    declaredKind: 'opinion',
    topicRef: turn.plan.topic.code,
    stance,
    ...(said?.by === 'speech' ? { text: said.text } : {}),
    language: turn.speech.locale,
    receivedAt: turn.ctx.clock.now(),
  });
  await saveState(turn, { ...turn.state, misses: 0, silence: 0 });
  const recorded = result.outcome.kind === 'opinion' && !result.outcome.messageKey.endsWith('topicNotOpen');
  return goodbye(turn, turn.t(recorded ? `calls:notice.${stance}` : 'calls:notice.closed'));
}

async function answerConfirm(turn: Turn, params: TwilioParams): Promise<VoiceResponse> {
  if (turn.plan.kind !== 'proxy_confirmation') return goodbye(turn, turn.t('calls:notice.goodbye'));
  const input = heardOf(params);
  const words = globalWords(turn.t);
  const keyed = input.digits ? globalActionOf({ digits: input.digits }, words) : undefined;
  if (keyed) return globalAction(turn, 'confirm', keyed);
  const said = heard(input);
  const answer = said ? confirmationOf(said.text) : undefined;
  if (!answer) {
    const spoken = input.speech ? globalActionOf({ speech: input.speech }, words) : undefined;
    if (spoken) return globalAction(turn, 'confirm', spoken);
    return miss(turn, 'confirm', said ? 'noMatch' : 'noInput');
  }
  await answerProxyConfirmation(turn.ctx, {
    proxyRecordId: turn.plan.proxyRecordId,
    answer,
    via: 'voice',
    evidence: turn.callSid,
  });
  await saveState(turn, { ...turn.state, misses: 0, silence: 0 });
  return goodbye(turn, turn.t(`calls:confirm.${answer}`));
}

/** What the call says as soon as it is answered. */
async function greet(turn: Turn): Promise<VoiceResponse> {
  const { plan, t } = turn;
  const phone = spokenDigits(turn.deps.config.helpPhone);
  switch (plan.kind) {
    case 'voicemail': {
      await saveState(turn, { ...turn.state, step: 'voicemail' });
      const hall = hallName(turn.deps.i18n, plan.community, plan.locale);
      return goodbye(turn, t('calls:voicemail', { hall, phone }));
    }
    case 'survey': {
      const response = newVoiceResponse();
      say(response, plan.body, turn.speech);
      response.redirect({ method: 'POST' }, voiceUrl(turn.deps.config.publicBaseUrl, VOICE_SURVEY_PATH));
      return response;
    }
    case 'survey_done': {
      const hall = hallName(turn.deps.i18n, plan.community, plan.locale);
      return goodbye(turn, t('calls:alreadyAnswered', { hall }));
    }
    case 'notice':
      return askAbout(turn, 'notice');
    case 'proxy_confirmation':
      return askAbout(turn, 'confirm');
  }
}

function unavailable(deps: OutboundDeps, locale: Locale): VoiceResponse {
  const response = newVoiceResponse();
  const t = deps.i18n.forLocale(locale);
  say(response, t('calls:unavailable', { phone: spokenDigits(deps.config.helpPhone) }), {
    locale,
    slow: false,
  });
  response.hangup();
  return response;
}

function malformed(c: Context<VoiceEnv>, field: string) {
  return c.json({ error: { code: 'malformed_request', field, requestId: c.get('requestId') ?? '' } }, 400);
}

/** The answer URL and its follow-up questions, as a sub-app (mount it at '/'). */
export function createVoiceOutboundApp(deps: OutboundDeps): Hono<VoiceEnv> {
  const app = new Hono<VoiceEnv>();

  const handle =
    (step: 'answered' | Question) =>
    async (c: Context<VoiceEnv>): Promise<Response> => {
      const params = c.var.twilioParams;
      const log = deps.log.child({ requestId: c.get('requestId'), component: 'voice-outbound' });
      const callSid = param(params, 'CallSid');
      if (!callSid || !CALL_SID.test(callSid)) return malformed(c, 'CallSid');
      const system: Ctx = {
        actor: { type: 'system', job: 'voice-outbound' },
        db: deps.database.db,
        clock: deps.clock,
        log,
        pii: deps.pii,
      };
      const named = new URL(c.req.url).searchParams.get(DELIVERY_PARAM);
      // Coming back from the person step, the call's own record says which delivery it carries.
      const deliveryId = named ?? (await getVoiceCall(system, callSid))?.deliveryId ?? '';
      if (!deliveryIdSchema.safeParse(deliveryId).success) return malformed(c, DELIVERY_PARAM);
      // Only the first request carries the machine-detection result; the follow-ups reuse the plan.
      const answeredBy = step === 'answered' ? param(params, 'AnsweredBy') : undefined;
      const plan = await answerOutboundCall(system, {
        deliveryId,
        callSid,
        ...(answeredBy ? { answeredBy } : {}),
      });
      if (plan.kind === 'unknown') {
        log.warn({ deliveryId }, 'answered call for an unknown delivery');
        return twimlReply(c, unavailable(deps, deps.config.defaultLocale));
      }
      const call = await getVoiceCall(system, callSid);
      const residentId = call?.residentId ?? undefined;
      const turn: Turn = {
        deps,
        ctx: {
          ...system,
          actor: { type: 'resident', via: 'voice', ...(residentId ? { residentId } : {}) },
        },
        callSid,
        deliveryId,
        plan,
        state: outboundStateOf(call),
        speech: { locale: plan.locale, slow: call?.slowSpeech ?? plan.slow },
        t: deps.i18n.forLocale(plan.locale),
      };
      try {
        if (step === 'answered') return twimlReply(c, await greet(turn));
        if (step === 'notice') return twimlReply(c, await answerNotice(turn, params));
        return twimlReply(c, await answerConfirm(turn, params));
      } catch (error) {
        // A record that can no longer be answered (withdrawn, say) must not leave the caller in silence.
        if (!(error instanceof ServiceError)) throw error;
        log.warn({ err: error, deliveryId, step }, 'outbound call answer refused');
        return twimlReply(c, unavailable(deps, plan.locale));
      }
    };

  app.post(VOICE_OUTBOUND_PATH, verifyTwilioWebhook(deps), handle('answered'));
  app.post(VOICE_OUTBOUND_NOTICE_PATH, verifyTwilioWebhook(deps), handle('notice'));
  app.post(VOICE_OUTBOUND_CONFIRM_PATH, verifyTwilioWebhook(deps), handle('confirm'));
  return app;
}
