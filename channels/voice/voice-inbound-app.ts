/**
 * The inbound phone line (IVR): Twilio Voice webhooks under /channels/voice. A caller chooses a
 * language (known callers skip it), then the main menu: hear open topics and give an opinion, give an
 * opinion on a topic by its number, report a problem or need, answer a pending survey (C2), or ask for
 * a call-back. Every request is signature-verified first; every answer is stored as it comes.
 */
import { type Context, Hono } from 'hono';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { ingest } from '../../src/pipeline/ingest.ts';
import type { IntakeAudio } from '../../src/pipeline/intake.ts';
import { attachCallRecording } from '../../src/voice/attach-call-recording.ts';
import { attachCallTranscript } from '../../src/voice/attach-call-transcript.ts';
import { isRecordingStep, recordingIntakeId } from '../../src/voice/call-step-id.ts';
import { getVoiceCall, type VoiceCall } from '../../src/voice/get-voice-call.ts';
import { identifyCaller } from '../../src/voice/identify-caller.ts';
import { CALL_SID, startVoiceCall } from '../../src/voice/start-voice-call.ts';
import {
  answerStep,
  askStep,
  INBOUND_STEPS,
  type InboundStep,
  inboundStateOf,
  localeOf,
  type Next,
  saveTurn,
  speechOf,
  storedState,
  type Turn,
  tOf,
  VOICE_ANSWER_PATH,
  VOICE_INBOUND_PATH,
  VOICE_RECORDED_PATH,
  VOICE_TRANSCRIBED_PATH,
} from './inbound-flow.ts';
import {
  bookCallbackTwiml,
  reachPerson,
  safeReturnPath,
  transferEnded,
  VOICE_MENU_PATH,
  VOICE_TRANSFER_ENDED_PATH,
} from './reach-person.ts';
import {
  newVoiceResponse,
  param,
  say,
  twimlReply,
  VOICE_PERSON_PATH,
  type VoiceEnv,
  verifyTwilioWebhook,
} from './voice-twiml.ts';

type VoiceDeps = Pick<AppDeps, 'config' | 'database' | 'clock' | 'log' | 'pii' | 'i18n'>;

/** `POST /channels/voice/*` of the inbound line as a sub-app; mount it at '/'. */
export function createVoiceInboundApp(deps: VoiceDeps): Hono<VoiceEnv> {
  const app = new Hono<VoiceEnv>();
  const verify = verifyTwilioWebhook(deps);
  const fallbackT = deps.i18n.forLocale(deps.config.defaultLocale);

  const badRequest = (c: Context<VoiceEnv>, field: string) =>
    c.json(
      {
        error: {
          code: 'malformed_request',
          message: fallbackT('voice:webhook.badField', { field }),
          requestId: c.get('requestId') ?? '',
        },
      },
      400,
    );

  /** Runs one step of a call; a failure is told to the caller in their language, never as silence. */
  const handle = (run: (turn: Turn, c: Context<VoiceEnv>) => Promise<VoiceResponse>) => {
    return async (c: Context<VoiceEnv>) => {
      const params = c.get('twilioParams');
      const callSid = param(params, 'CallSid');
      if (!callSid || !CALL_SID.test(callSid)) return badRequest(c, 'CallSid');
      const log = deps.log.child({ requestId: c.get('requestId'), component: 'voice-inbound', callSid });
      const ctx: Ctx = {
        actor: { type: 'resident', via: 'voice' },
        db: deps.database.db,
        clock: deps.clock,
        log,
        pii: deps.pii,
      };
      let turn: Turn | undefined;
      try {
        const call = (await getVoiceCall(ctx, callSid)) ?? (await beginCall(ctx, params, callSid));
        ctx.actor = {
          type: 'resident',
          via: 'voice',
          ...(call.residentId ? { residentId: call.residentId } : {}),
        };
        turn = { deps: { ...deps, log }, ctx, call, params, state: inboundStateOf(call) };
        const response = await run(turn, c);
        await saveTurn(turn);
        return twimlReply(c, response);
      } catch (error) {
        log.error({ err: error }, 'voice step failed; caller told to try again');
        const response = newVoiceResponse();
        const speech = turn ? speechOf(turn) : { locale: deps.config.defaultLocale, slow: false };
        const t = turn ? tOf(turn) : fallbackT;
        say(response, t('voice:error.sorry', { helpPhone: deps.config.helpPhone }), speech);
        response.hangup();
        return twimlReply(c, response);
      }
    };
  };

  /** The caller is known by their number: their language and pace carry over, and no one is created. */
  const beginCall = async (
    ctx: Ctx,
    params: Record<string, string | string[]>,
    callSid: string,
  ): Promise<VoiceCall> => {
    const resident = await identifyCaller(ctx, { from: param(params, 'From') });
    const { call } = await startVoiceCall(ctx, {
      callSid,
      direction: 'inbound',
      ...(resident ? { residentId: resident.id, slowSpeech: resident.slowSpeech } : {}),
      ...(resident?.preferredLocale ? { locale: resident.preferredLocale } : {}),
      state: storedState({
        flow: 'inbound',
        step: resident?.preferredLocale ? 'menu' : 'language',
        misses: 0,
        silence: 0,
      }),
    });
    return call;
  };

  const carryOut = async (turn: Turn, next: Next): Promise<VoiceResponse> => {
    switch (next.kind) {
      case 'twiml':
        return next.response;
      case 'person':
        return reachPerson(turn, {
          returnTo: VOICE_MENU_PATH,
          notUnderstood: next.reason === 'not_understood',
        });
      case 'callback':
        return bookCallbackTwiml(turn, { reason: next.reason, returnTo: VOICE_MENU_PATH });
    }
  };

  app.post(
    VOICE_INBOUND_PATH,
    verify,
    handle(async (turn) => {
      // A repeated first webhook (Twilio's connect retry) finds the call and asks the same question.
      if (!turn.call.locale) return askStep(turn, 'language');
      return askStep(turn, 'menu', { before: [tOf(turn)('voice:menu.welcome')] });
    }),
  );

  app.post(
    VOICE_MENU_PATH,
    verify,
    handle(async (turn) => {
      turn.state = { ...turn.state, misses: 0 };
      return askStep(turn, turn.call.locale ? 'menu' : 'language');
    }),
  );

  app.post(
    VOICE_ANSWER_PATH,
    verify,
    handle(async (turn, c) => {
      const step = c.req.query('step');
      if (!INBOUND_STEPS.includes(step as InboundStep))
        return askStep(turn, turn.call.locale ? 'menu' : 'language');
      return carryOut(turn, await answerStep(turn, step as InboundStep));
    }),
  );

  app.post(
    VOICE_PERSON_PATH,
    verify,
    handle(async (turn, c) =>
      reachPerson(turn, {
        returnTo: safeReturnPath(c.req.query('return')),
        notUnderstood: c.req.query('reason') === 'not_understood',
      }),
    ),
  );

  app.post(
    VOICE_TRANSFER_ENDED_PATH,
    verify,
    handle(async (turn, c) => transferEnded(turn, safeReturnPath(c.req.query('return')))),
  );

  app.post(
    VOICE_RECORDED_PATH,
    verify,
    handle(async (turn, c) => {
      const step = c.req.query('step') ?? '';
      if (!isRecordingStep(step)) return askStep(turn, 'menu');
      const t = tOf(turn);
      const audio = recordingOf(turn.params);
      const externalId = recordingIntakeId(turn.call.callSid, step, param(turn.params, 'RecordingSid'));
      if (!audio || !externalId) {
        // Nothing was recorded (silence, or # straight away).
        if (step.startsWith('opinion:')) {
          return askStep(turn, 'message', { variant: 'simple', before: [t('voice:record.nothing')] });
        }
        return askStep(turn, 'menu', { before: [t('voice:need.nothing')] });
      }
      await keepRecording(turn, step, externalId, audio);
      return askStep(turn, 'menu', {
        before: [step === 'need' ? t('voice:need.saved') : t('voice:record.saved')],
      });
    }),
  );

  app.post(
    VOICE_TRANSCRIBED_PATH,
    verify,
    handle(async (turn, c) => {
      const step = c.req.query('step') ?? '';
      const text = param(turn.params, 'TranscriptionText');
      const status = param(turn.params, 'TranscriptionStatus');
      const externalId = recordingIntakeId(turn.call.callSid, step, param(turn.params, 'RecordingSid'));
      if (externalId && text && status !== 'failed') {
        const audio = recordingOf(turn.params);
        const attached = await attachCallTranscript(turn.ctx, {
          externalId,
          transcript: text,
          ...(audio ? { url: audio.url, durationSeconds: audio.durationSeconds } : {}),
        });
        // The recording's own webhook never came (the caller hung up as it ended): keep it now.
        if (!attached && audio) await keepRecording(turn, step, externalId, { ...audio, transcript: text });
      } else {
        turn.ctx.log.info({ step, status }, 'transcription without text; nothing to attach');
      }
      // Twilio ignores the answer to a transcription callback; an empty document acknowledges it.
      return newVoiceResponse();
    }),
  );

  /**
   * Keeps a recording with the intake of its step: an opinion's reasons join the opinion already
   * stored; a need is stored now. Either way one record per (CallSid, step).
   */
  const keepRecording = async (
    turn: Turn,
    step: string,
    externalId: string,
    audio: IntakeAudio,
  ): Promise<void> => {
    const speechAtStance =
      turn.state.stanceSpeech !== undefined
        ? {
            speechResult: turn.state.stanceSpeech,
            ...(turn.state.stanceConfidence === undefined ? {} : { confidence: turn.state.stanceConfidence }),
          }
        : {};
    if (step.startsWith('opinion:')) {
      const attached = await attachCallRecording(turn.ctx, {
        externalId,
        url: audio.url,
        durationSeconds: audio.durationSeconds,
        ...speechAtStance,
      });
      if (attached) {
        if (audio.transcript)
          await attachCallTranscript(turn.ctx, { externalId, transcript: audio.transcript });
        return;
      }
    }
    // A need; or reasons whose opinion is missing (kept as said, for staff to read, never dropped).
    await ingest(turn.ctx, {
      channel: 'voice',
      externalId,
      actor: turn.ctx.actor,
      declaredKind: step === 'need' ? 'demand' : 'opinion',
      ...(step.startsWith('opinion:') ? { topicRef: step.slice('opinion:'.length) } : {}),
      audio,
      language: localeOf(turn),
      receivedAt: turn.deps.clock.now(),
    });
  };

  return app;
}

/** The recording a Twilio request reports, if it reports one. */
function recordingOf(params: Record<string, string | string[]>): IntakeAudio | undefined {
  const url = param(params, 'RecordingUrl');
  if (!url || !/^https:\/\/\S+$/.test(url)) return undefined;
  const duration = Number.parseFloat(param(params, 'RecordingDuration') ?? '');
  return { url, durationSeconds: Number.isFinite(duration) && duration >= 0 ? duration : 0 };
}
