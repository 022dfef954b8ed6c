/**
 * Reaching a person from any voice flow: in office hours (Chinese working days, configured hours) the
 * caller is put through to the office phone; otherwise, or when nobody answers, a call-back is booked
 * for staff to see in the console, and the caller goes back to where they were.
 */
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { CallbackReason, Locale } from '../../src/db/schema.ts';
import { bookCallback } from '../../src/voice/book-callback.ts';
import type { VoiceCall } from '../../src/voice/get-voice-call.ts';
import { isOfficeHours } from '../../src/voice/office-hours.ts';
import {
  dialPerson,
  newVoiceResponse,
  param,
  type Speech,
  say,
  type TwilioParams,
  voiceUrl,
} from './voice-twiml.ts';

/** The action of the transfer to a person: `?return=<voice path>`. */
export const VOICE_TRANSFER_ENDED_PATH = '/channels/voice/transfer-ended';
/** Asks the inbound main menu again: where callers return to by default. */
export const VOICE_MENU_PATH = '/channels/voice/menu';

/** Seconds the office phone rings before the caller is offered a call-back instead. */
export const TRANSFER_RING_SECONDS = 25;

const RETURN_PATH = /^\/channels\/voice\/[a-z][a-z-]{0,40}$/;

/** A voice path a caller may be sent back to; anything else means the main menu. */
export function safeReturnPath(value: string | undefined): string {
  return value && RETURN_PATH.test(value) ? value : VOICE_MENU_PATH;
}

export type PersonDeps = Pick<AppDeps, 'config' | 'clock' | 'i18n' | 'log'>;

export interface CallContext {
  deps: PersonDeps;
  ctx: Ctx;
  call: VoiceCall;
  params: TwilioParams;
}

function localeOf(c: CallContext): Locale {
  return c.call.locale ?? c.deps.config.defaultLocale;
}

function speechOf(c: CallContext): Speech {
  return { locale: localeOf(c), slow: c.call.slowSpeech };
}

/** The resident's number: the caller on an inbound call, the called party on an outbound one. */
function residentNumber(c: CallContext): string | undefined {
  return param(c.params, c.call.direction === 'inbound' ? 'From' : 'To');
}

/**
 * Puts the caller through in office hours, else books a call-back. `notUnderstood` marks a caller who
 * got here after the flow could not understand them (staff then know to call slowly and patiently).
 */
export async function reachPerson(
  c: CallContext,
  options: { returnTo: string; notUnderstood: boolean },
): Promise<VoiceResponse> {
  const { config, clock } = c.deps;
  const t = c.deps.i18n.forLocale(localeOf(c));
  const number = config.voiceLine.transferNumber;
  const open = isOfficeHours(clock.now(), {
    opensAtMinute: config.voiceLine.opensAtMinute,
    closesAtMinute: config.voiceLine.closesAtMinute,
    timeZone: config.timeZone,
  });
  if (number && open) {
    const response = newVoiceResponse();
    say(response, t('voice:person.connecting'), speechOf(c));
    dialPerson(response, {
      number,
      action: voiceUrl(config.publicBaseUrl, VOICE_TRANSFER_ENDED_PATH, { return: options.returnTo }),
      timeout: TRANSFER_RING_SECONDS,
    });
    c.deps.log.info({ callSid: c.call.callSid }, 'caller put through to a person');
    return response;
  }
  return bookCallbackTwiml(c, {
    reason: options.notUnderstood ? 'not_understood' : 'after_hours',
    returnTo: options.returnTo,
    before: [t(number ? 'voice:person.closed' : 'voice:person.nobody')],
  });
}

/** Books a call-back and tells the caller, then returns them to `returnTo`. */
export async function bookCallbackTwiml(
  c: CallContext,
  options: { reason: CallbackReason; returnTo: string; before?: string[] },
): Promise<VoiceResponse> {
  const t = c.deps.i18n.forLocale(localeOf(c));
  const phone = residentNumber(c);
  const booked = phone
    ? await bookCallback(c.ctx, {
        callSid: c.call.callSid,
        phone,
        locale: localeOf(c),
        reason: options.reason,
        ...(c.call.residentId ? { residentId: c.call.residentId } : {}),
      })
    : { booked: false as const };
  const response = newVoiceResponse();
  for (const text of options.before ?? []) say(response, text, speechOf(c));
  say(
    response,
    booked.booked
      ? t('voice:callback.booked')
      : t('voice:callback.noNumber', { helpPhone: c.deps.config.helpPhone }),
    speechOf(c),
  );
  response.redirect({ method: 'POST' }, voiceUrl(c.deps.config.publicBaseUrl, options.returnTo));
  return response;
}

/** After the transfer: back to where the caller was; a call-back if nobody picked up. */
export async function transferEnded(c: CallContext, returnTo: string): Promise<VoiceResponse> {
  const t = c.deps.i18n.forLocale(localeOf(c));
  const status = param(c.params, 'DialCallStatus');
  if (status === 'completed' || status === 'answered') {
    const response = newVoiceResponse();
    say(response, t('voice:person.afterTransfer'), speechOf(c));
    response.redirect({ method: 'POST' }, voiceUrl(c.deps.config.publicBaseUrl, returnTo));
    return response;
  }
  return bookCallbackTwiml(c, {
    reason: 'transfer_unanswered',
    returnTo,
    before: [t('voice:person.unanswered')],
  });
}
