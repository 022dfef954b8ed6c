import type { Ctx } from '../core/context.ts';
import { setChannelOptOut } from '../residents/set-channel-opt-out.ts';
import { appendAudit } from '../staff/append-audit.ts';
import type { OutboundChannel } from './sender.ts';

/** The recipient told the carrier to stop: treated exactly like an opt-out reply. */
export const RECIPIENT_OPTED_OUT_CODE = '21610';
/**
 * The number can never receive this channel's messages: invalid (21211; for calls also 13224 and
 * 21217), or not a mobile (21614).
 */
export const UNREACHABLE_NUMBER_CODES: ReadonlySet<string> = new Set(['21211', '21614', '13224', '21217']);

/**
 * What a provider's error code says about the resident, acted on: an opt-out at the carrier opts the
 * resident out of the channel; a number that cannot receive messages flags the resident for staff
 * (an audit entry with the code, never the number). Call it inside the transaction recording the failure.
 */
export async function applyProviderErrorCode(
  ctx: Ctx,
  input: { residentId: string; channel: OutboundChannel; deliveryId: string; code: string | undefined },
): Promise<void> {
  const { code } = input;
  if (!code) return;
  if (code === RECIPIENT_OPTED_OUT_CODE) {
    await setChannelOptOut(ctx, {
      residentId: input.residentId,
      channel: input.channel,
      optedOut: true,
      reason: `provider:${code}`,
    });
    return;
  }
  if (UNREACHABLE_NUMBER_CODES.has(code)) {
    await appendAudit(ctx, {
      action: 'resident.flagged',
      subjectType: 'resident',
      subjectId: input.residentId,
      data: { reason: 'unreachable_number', code, channel: input.channel, deliveryId: input.deliveryId },
    });
  }
}
