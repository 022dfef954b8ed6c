import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';

export const consumeRateLimitInput = z.object({
  /** Which counter, e.g. `web:submit:ip`; different buckets never share a count. */
  bucket: z.string().min(1).max(100),
  /** Who is counted (a client address, a phone hash); stored only as a keyed hash. */
  subject: z.string().min(1).max(500),
  limit: z.number().int().min(1),
  windowSeconds: z.number().int().min(1),
});
export type ConsumeRateLimitInput = z.input<typeof consumeRateLimitInput>;

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When `allowed` is false: seconds until the window ends. */
  retryAfterSeconds: number;
}

/**
 * Counts one request against a fixed-window limit kept in Redis and says whether it may go ahead.
 * If Redis cannot be reached the request is allowed and the failure logged: residents are not
 * turned away because a counter is unavailable.
 */
export async function consumeRateLimit(
  ctx: Ctx,
  input: ConsumeRateLimitInput,
  redis: Redis,
): Promise<RateLimitDecision> {
  const data = consumeRateLimitInput.parse(input);
  const key = `ratelimit:${data.bucket}:${ctx.pii.opaqueHash(data.subject)}`;
  try {
    const results = await redis
      .multi()
      .set(key, '0', 'EX', data.windowSeconds, 'NX')
      .incr(key)
      .ttl(key)
      .exec();
    const count = Number(results?.[1]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? data.windowSeconds);
    const allowed = count <= data.limit;
    if (!allowed) ctx.log.info({ bucket: data.bucket, count }, 'rate limit reached');
    return { allowed, count, retryAfterSeconds: allowed ? 0 : Math.max(1, ttl) };
  } catch (error) {
    ctx.log.warn({ err: error, bucket: data.bucket }, 'rate limit store unavailable; request allowed');
    return { allowed: true, count: 0, retryAfterSeconds: 0 };
  }
}
