/**
 * The cap on concurrent outbound calls, shared by every worker and web process through Redis. A call
 * holds a slot from just before it is placed until its final status callback; a slot whose callback
 * never came expires after the longest a call can last, so a lost callback costs capacity for a while,
 * never for good.
 */
import type { Redis } from 'ioredis';

/** Far enough past Twilio's call time limit plus ringing and machine detection. */
export const CALL_SLOT_HOLD_MS = 25 * 60_000;

/** How long a call waits before asking again when every slot is taken. */
export const CALL_SLOT_WAIT_MS = 5_000;

// One sorted set: member = delivery id, score = when the slot lapses (Redis server time, ms).
// Expired members go first; a delivery already holding a slot keeps it (a resend after a crash).
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local hold = tonumber(ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + hold, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], hold)
  return 1
end
return 0
`;

const IN_USE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
`;

export interface CallSlots {
  /** Takes a slot for this delivery's call; false when all are taken. */
  acquire(deliveryId: string): Promise<boolean>;
  /** Gives the slot back (the call ended, or was never placed). */
  release(deliveryId: string): Promise<void>;
  /** Slots held now. */
  inUse(): Promise<number>;
}

/** The Redis key of an installation's call slots (beside its queues, under the same prefix). */
export function callSlotsKey(prefix: string): string {
  return `${prefix}:call-slots`;
}

export function createCallSlots(
  redis: Redis,
  options: { prefix: string; capacity: number; holdMs?: number },
): CallSlots {
  const key = callSlotsKey(options.prefix);
  const holdMs = options.holdMs ?? CALL_SLOT_HOLD_MS;
  return {
    async acquire(deliveryId) {
      const taken = await redis.eval(ACQUIRE, 1, key, deliveryId, options.capacity, holdMs);
      return Number(taken) === 1;
    },
    async release(deliveryId) {
      await redis.zrem(key, deliveryId);
    },
    async inUse() {
      return Number(await redis.eval(IN_USE, 1, key));
    },
  };
}
