/**
 * Submission limits for the website, per client address and per verified phone number, so that a
 * script cannot flood the community's records or someone's phone with codes.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { consumeRateLimit } from '../../src/ratelimit/consume-rate-limit.ts';
import { clientAddress } from '../http/client-address.ts';

export interface Limit {
  limit: number;
  windowSeconds: number;
}

export interface WebLimits {
  /** Opinions, reports, visit requests, follows and survey answers from one address. */
  submitPerIp: Limit;
  /** The same, from one verified phone number. */
  submitPerPhone: Limit;
  /** Code messages requested from one address (each number also gets at most 3 an hour). */
  codesPerIp: Limit;
}

/**
 * Generous per address, because many households share one address behind a carrier's NAT; tight
 * per phone number, which is one person.
 */
export const DEFAULT_WEB_LIMITS: WebLimits = {
  submitPerIp: { limit: 60, windowSeconds: 10 * 60 },
  submitPerPhone: { limit: 10, windowSeconds: 60 * 60 },
  codesPerIp: { limit: 12, windowSeconds: 60 * 60 },
};

export type LimitName = keyof WebLimits;

/** Counts this request; returns the seconds to wait when it is over the limit, else undefined. */
export async function overLimit(
  deps: Pick<AppDeps, 'redis'>,
  ctx: Ctx,
  c: Context,
  options: { limits: WebLimits; prefix: string; name: LimitName; phoneHash?: string },
): Promise<number | undefined> {
  const subject = options.name === 'submitPerPhone' ? options.phoneHash : clientAddress(c);
  if (!subject) return undefined;
  const rule = options.limits[options.name];
  const decision = await consumeRateLimit(
    ctx,
    { bucket: `${options.prefix}${options.name}`, subject, ...rule },
    deps.redis,
  );
  return decision.allowed ? undefined : decision.retryAfterSeconds;
}
