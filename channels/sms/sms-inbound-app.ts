/**
 * Twilio Messaging's inbound webhook: a resident's SMS arrives here, is verified as Twilio's, handed to
 * the conversation core, and answered with TwiML in the resident's language.
 *
 * Without Twilio credentials nothing can be verified, so every inbound webhook is refused (403):
 * accepting unsigned requests would let anyone speak for any phone number.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import twilio from 'twilio';
import type { AppEnv } from '../../src/app.ts';
import type { AppDeps } from '../../src/app-deps.ts';
import {
  type HandleSmsReplyInput,
  handleSmsReplies,
  type SmsReplyResult,
} from '../../src/conversations/handle-sms-reply.ts';
import { coalesceCalls } from '../../src/core/coalesce-calls.ts';
import type { Ctx } from '../../src/core/context.ts';
import { firstParam, readSignedForm } from '../http/twilio-form.ts';
import { registerSmsContextMetrics } from './sms-context-metrics.ts';

export const SMS_INBOUND_PATH = '/channels/sms/inbound';

/** Far above any real SMS webhook (a 1,600-character body and a few dozen fields). */
export const MAX_INBOUND_BODY_BYTES = 64 * 1024;

const MESSAGE_SID = /^[A-Za-z0-9]{2,64}$/;

type InboundDeps = Pick<AppDeps, 'config' | 'database' | 'clock' | 'log' | 'pii' | 'i18n' | 'metrics'>;

type ErrorCode = 'payload_too_large' | 'malformed_request' | 'forbidden';

/** TwiML per reply text: replies repeat, and building the XML each time costs more than looking it up. */
const twimlByReply = new Map<string, string>();
const TWIML_KEPT = 2_000;

function twiml(reply: string | undefined): string {
  const key = reply ?? '';
  let xml = twimlByReply.get(key);
  if (xml === undefined) {
    const response = new twilio.twiml.MessagingResponse();
    if (reply) response.message(reply);
    xml = response.toString();
    if (twimlByReply.size >= TWIML_KEPT) twimlByReply.clear();
    twimlByReply.set(key, xml);
  }
  return xml;
}

/**
 * Messages handled together: one write for all of them, after one read for senders this process has
 * not seen recently (ADR 0013). Under load, a batch holds what arrived while the previous one was
 * being written. One batch at a time: a second batch in flight only made both smaller, and a batch's
 * cost is mostly its round trips, not its size.
 */
const MAX_BATCH = 64;
const MAX_BATCHES_IN_FLIGHT = 1;

/** `POST /channels/sms/inbound` as a sub-app; mount it at '/'. */
export function createSmsApp(deps: InboundDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const batchCtx: Ctx = {
    actor: { type: 'resident', via: 'sms' },
    db: deps.database.db,
    clock: deps.clock,
    log: deps.log.child({ component: 'sms-inbound' }),
    pii: deps.pii,
  };
  registerSmsContextMetrics(deps.metrics, deps.database.db);
  const handle = coalesceCalls<HandleSmsReplyInput, SmsReplyResult>({
    run: (inputs) => handleSmsReplies(batchCtx, inputs),
    // One sender's messages are answered one after another, in order. Twilio gives every number in
    // one form (E.164); should two forms of one number meet in a batch, the batch itself sends the
    // second message down the transactional path.
    keyOf: (input) => input.from,
    maxBatch: MAX_BATCH,
    maxInFlight: MAX_BATCHES_IN_FLIGHT,
  });
  const t = deps.i18n.forLocale(deps.config.defaultLocale);
  const refuse = (c: Context<AppEnv>, status: 400 | 403 | 413, code: ErrorCode, message: string) =>
    c.json({ error: { code, message, requestId: c.get('requestId') ?? '' } }, status);

  const tooLarge = (c: Context<AppEnv>) =>
    refuse(c, 413, 'payload_too_large', t('sms:inbound.error.tooLarge'));
  const limitStreamedBody = bodyLimit({ maxSize: MAX_INBOUND_BODY_BYTES, onError: tooLarge });

  app.post(
    SMS_INBOUND_PATH,
    async (c, next) => {
      // A declared length is checked without touching the body stream (Twilio always declares one);
      // reading the body as a web stream, as the generic limit does, costs a good part of a request.
      const declared = c.req.header('content-length');
      if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
        return Number.parseInt(declared, 10) > MAX_INBOUND_BODY_BYTES ? tooLarge(c) : next();
      }
      return limitStreamedBody(c, next);
    },
    async (c) => {
      const requestId = c.get('requestId');
      const form = await readSignedForm(c, deps.config, {
        path: SMS_INBOUND_PATH,
        maxBytes: MAX_INBOUND_BODY_BYTES,
      });
      if (!form.ok) {
        if (form.refusal === 'not_form') {
          return refuse(c, 400, 'malformed_request', t('sms:inbound.error.notForm'));
        }
        if (form.refusal === 'too_large') return tooLarge(c);
        batchCtx.log.warn(
          { requestId, hasSignature: form.hasSignature, configured: form.configured },
          'inbound sms refused: signature missing or invalid',
        );
        return refuse(c, 403, 'forbidden', t('sms:inbound.error.forbidden'));
      }
      const { params } = form;

      const messageSid = firstParam(params.MessageSid);
      const from = firstParam(params.From)?.trim();
      if (!messageSid || !MESSAGE_SID.test(messageSid)) {
        return refuse(c, 400, 'malformed_request', t('sms:inbound.error.badField', { field: 'MessageSid' }));
      }
      if (!from)
        return refuse(c, 400, 'malformed_request', t('sms:inbound.error.badField', { field: 'From' }));

      const result = await handle({
        messageSid,
        from,
        body: firstParam(params.Body) ?? '',
        receivedAt: deps.clock.now(),
        helpPhone: deps.config.helpPhone,
        defaultLocale: deps.config.defaultLocale,
        i18n: deps.i18n,
      });
      batchCtx.log.info(
        {
          requestId,
          intakeId: result.intakeId,
          kind: result.kind,
          duplicate: result.duplicate,
          replied: Boolean(result.reply),
        },
        'inbound sms handled',
      );
      return c.body(twiml(result.reply), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
    },
  );

  return app;
}
