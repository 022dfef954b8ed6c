/**
 * Twilio's per-message status callbacks (`StatusCallback`): signed like every Twilio webhook, they
 * move the named delivery forward. They arrive out of order and may repeat; the core never moves a
 * delivery backwards, so this adapter only verifies, translates and acknowledges.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppEnv } from '../../src/app.ts';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { DeliveryStatus } from '../../src/db/schema.ts';
import { recordDeliveryStatus } from '../../src/outreach/record-delivery-status.ts';
import { firstParam, readSignedForm } from '../http/twilio-form.ts';
import { DELIVERY_ID_PARAM, SMS_STATUS_PATH } from './twilio-sms-sender.ts';

/** Larger than any real callback by far; anything bigger is not Twilio. */
export const MAX_STATUS_BODY_BYTES = 64 * 1024;

/**
 * Twilio's MessageStatus values that say something about delivery. `accepted`, `scheduled` and
 * `queued` precede what a delivery already is once the API accepted it, so they are only acknowledged.
 */
const DELIVERY_STATUS_OF: Partial<Record<string, DeliveryStatus>> = {
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

const deliveryIdSchema = z.uuid();
const MESSAGE_SID = /^[A-Za-z0-9]{2,64}$/;
const ERROR_CODE = /^\d{1,8}$/;

type StatusDeps = Pick<AppDeps, 'config' | 'database' | 'clock' | 'log' | 'pii'>;

type RefusalCode = 'payload_too_large' | 'malformed_request' | 'forbidden';

function refuse(c: Context<AppEnv>, status: 400 | 403 | 413, code: RefusalCode, field?: string) {
  return c.json({ error: { code, field, requestId: c.get('requestId') ?? '' } }, status);
}

/**
 * `POST /channels/sms/status` as a sub-app (mount it at '/'): verifies Twilio's signature over the full
 * callback URL including `?d=<delivery id>`, then moves that delivery forward. A callback for a delivery
 * this installation does not know is acknowledged (200) so that Twilio does not keep calling.
 */
export function createSmsStatusApp(deps: StatusDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post(
    SMS_STATUS_PATH,
    bodyLimit({ maxSize: MAX_STATUS_BODY_BYTES, onError: (c) => refuse(c, 413, 'payload_too_large') }),
    async (c) => {
      const log = deps.log.child({ requestId: c.get('requestId'), component: 'sms-status' });
      const form = await readSignedForm(c, deps.config, {
        path: SMS_STATUS_PATH,
        maxBytes: MAX_STATUS_BODY_BYTES,
      });
      if (!form.ok) {
        if (form.refusal === 'not_form') return refuse(c, 400, 'malformed_request', 'content-type');
        if (form.refusal === 'too_large') return refuse(c, 413, 'payload_too_large');
        log.warn(
          { hasSignature: form.hasSignature, configured: form.configured },
          'sms status callback refused: signature missing or invalid',
        );
        return refuse(c, 403, 'forbidden');
      }
      const { params } = form;

      const twilioStatus = firstParam(params.MessageStatus) ?? firstParam(params.SmsStatus);
      if (!twilioStatus) return refuse(c, 400, 'malformed_request', 'MessageStatus');
      const providerId = firstParam(params.MessageSid) ?? firstParam(params.SmsSid);
      if (providerId !== undefined && !MESSAGE_SID.test(providerId)) {
        return refuse(c, 400, 'malformed_request', 'MessageSid');
      }
      const errorCode = firstParam(params.ErrorCode)?.trim() || undefined;
      if (errorCode !== undefined && !ERROR_CODE.test(errorCode)) {
        return refuse(c, 400, 'malformed_request', 'ErrorCode');
      }
      const rawId = new URL(c.req.url).searchParams.get(DELIVERY_ID_PARAM) ?? undefined;
      const deliveryId = rawId !== undefined && deliveryIdSchema.safeParse(rawId).success ? rawId : undefined;

      const status = DELIVERY_STATUS_OF[twilioStatus];
      if (!status) {
        log.debug({ deliveryId, twilioStatus }, 'sms status acknowledged: nothing to record');
        return c.body(null, 204);
      }
      if (!deliveryId && !providerId) return refuse(c, 400, 'malformed_request', DELIVERY_ID_PARAM);

      const ctx: Ctx = {
        actor: { type: 'system', job: 'sms-status-callback' },
        db: deps.database.db,
        clock: deps.clock,
        log,
        pii: deps.pii,
      };
      const result = await recordDeliveryStatus(ctx, { deliveryId, providerId, status, errorCode });
      if (result.outcome === 'not_found') {
        // Another installation's message, or one whose delivery was purged: retrying will not help.
        log.warn({ deliveryId, twilioStatus, errorCode }, 'sms status for an unknown delivery acknowledged');
        return c.body(null, 200);
      }
      log.info(
        { deliveryId: result.deliveryId, twilioStatus, errorCode, outcome: result.outcome },
        'sms status recorded',
      );
      return c.body(null, 204);
    },
  );

  return app;
}
