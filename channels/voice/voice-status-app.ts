/**
 * Twilio's call status callbacks (`StatusCallback` of each outbound call, and of inbound calls when the
 * number is configured with it). Signed like every voice webhook; they arrive out of order and may
 * repeat. For an outbound call the delivery moves forward only, an unanswered call is queued for a
 * later try, and a call's final status frees its concurrency slot.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { CALL_STATUSES, type CallStatus } from '../../src/db/schema.ts';
import { createCallSlots } from '../../src/runtime/outbound-call-slots.ts';
import { createQueues, enqueueDeliveries, type Queues } from '../../src/runtime/queues.ts';
import { recordOutboundCallStatus } from '../../src/voice/record-outbound-call-status.ts';
import { CALL_SID } from '../../src/voice/start-voice-call.ts';
import { updateVoiceCall } from '../../src/voice/update-voice-call.ts';
import { ATTEMPT_PARAM, DELIVERY_PARAM, VOICE_STATUS_PATH } from './twilio-voice-sender.ts';
import { param, type VoiceEnv, verifyTwilioWebhook } from './voice-twiml.ts';

type StatusDeps = Pick<AppDeps, 'config' | 'database' | 'clock' | 'log' | 'pii' | 'i18n' | 'redis'>;

const deliveryIdSchema = z.uuid();
const ATTEMPT = /^[1-9]\d{0,3}$/;
const ERROR_CODE = /^\d{1,8}$/;

function isCallStatus(value: string | undefined): value is CallStatus {
  return value !== undefined && (CALL_STATUSES as readonly string[]).includes(value);
}

function malformed(c: Context<VoiceEnv>, field: string) {
  return c.json({ error: { code: 'malformed_request', field, requestId: c.get('requestId') ?? '' } }, 400);
}

/** `POST /channels/voice/status` as a sub-app (mount it at '/'). */
export function createVoiceStatusApp(deps: StatusDeps): Hono<VoiceEnv> {
  const app = new Hono<VoiceEnv>();
  const slots = createCallSlots(deps.redis, {
    prefix: deps.config.queuePrefix,
    capacity: deps.config.voiceCalls.maxConcurrent,
  });
  let queues: Queues | undefined;

  app.post(VOICE_STATUS_PATH, verifyTwilioWebhook(deps), async (c) => {
    const log = deps.log.child({ requestId: c.get('requestId'), component: 'voice-status' });
    const params = c.var.twilioParams;
    const callSid = param(params, 'CallSid');
    if (!callSid || !CALL_SID.test(callSid)) return malformed(c, 'CallSid');
    const callStatus = param(params, 'CallStatus');
    if (!isCallStatus(callStatus)) return malformed(c, 'CallStatus');
    const errorCode = param(params, 'ErrorCode');
    if (errorCode !== undefined && !ERROR_CODE.test(errorCode)) return malformed(c, 'ErrorCode');
    const answeredBy = param(params, 'AnsweredBy');

    const query = new URL(c.req.url).searchParams;
    const rawDelivery = query.get(DELIVERY_PARAM);
    const rawAttempt = query.get(ATTEMPT_PARAM);
    if (rawDelivery !== null && !deliveryIdSchema.safeParse(rawDelivery).success) {
      return malformed(c, DELIVERY_PARAM);
    }
    if (rawDelivery !== null && (rawAttempt === null || !ATTEMPT.test(rawAttempt))) {
      return malformed(c, ATTEMPT_PARAM);
    }

    const ctx: Ctx = {
      actor: { type: 'system', job: 'voice-status-callback' },
      db: deps.database.db,
      clock: deps.clock,
      log,
      pii: deps.pii,
    };
    // The call's own record (there is one once it was answered) follows its status; an ended call
    // stays ended whatever arrives after.
    await updateVoiceCall(ctx, { callSid, status: callStatus });
    if (rawDelivery === null) return c.body(null, 204);

    const deliveryId = rawDelivery;
    const result = await recordOutboundCallStatus(
      ctx,
      {
        deliveryId,
        attempt: Number(rawAttempt),
        callSid,
        callStatus,
        ...(answeredBy ? { answeredBy } : {}),
        ...(errorCode ? { errorCode } : {}),
      },
      { maxAttempts: deps.config.voiceCalls.attempts, retryAfterMs: deps.config.voiceCalls.retryAfterMs },
    );
    switch (result.outcome) {
      case 'not_found':
        // Another installation's call, or a purged delivery: retrying would not help Twilio.
        log.warn({ deliveryId, callStatus }, 'call status for an unknown delivery acknowledged');
        return c.body(null, 200);
      case 'stale':
      case 'unchanged':
      case 'progress':
        log.debug({ deliveryId, callStatus, outcome: result.outcome }, 'call status recorded');
        return c.body(null, 204);
      case 'delivered':
      case 'failed':
      case 'retry':
        break;
    }
    // The call is over: its slot goes to the next call waiting. A failure here only delays others
    // until the slot lapses by itself.
    await slots.release(deliveryId).catch((error: unknown) => {
      log.warn({ err: error, deliveryId }, 'could not free the call slot; it lapses by itself');
    });
    if (result.outcome === 'retry') {
      const delayMs = Math.max(0, result.retryAt.getTime() - deps.clock.now().getTime());
      try {
        queues ??= createQueues(deps.redis, deps.config.queuePrefix);
        await enqueueDeliveries(queues, [{ deliveryId, channel: 'voice', delayMs }]);
      } catch (error) {
        // The delivery is queued in the database: the outbox sweep enqueues it, and the worker still
        // waits for the retry time before calling.
        log.warn({ err: error, deliveryId }, 'could not schedule the next call; the outbox sweep will');
      }
    }
    log.info(
      { deliveryId, attempt: rawAttempt, callStatus, answeredBy, errorCode, outcome: result.outcome },
      'outbound call ended',
    );
    return c.body(null, 204);
  });

  return app;
}
