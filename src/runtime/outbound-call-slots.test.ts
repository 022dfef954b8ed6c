import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSlotsKey, createCallSlots } from './outbound-call-slots.ts';

const prefix = `gw-slots-${randomBytes(4).toString('hex')}`;
let connections: Redis[] = [];

beforeAll(() => {
  // Separate connections, as separate worker and web processes have.
  connections = Array.from({ length: 4 }, () => new Redis('redis://127.0.0.1:6379'));
});

afterAll(async () => {
  await connections[0]?.del(callSlotsKey(prefix), callSlotsKey(`${prefix}-lapse`));
  await Promise.all(connections.map((c) => c.quit()));
});

describe('the cap on concurrent calls', () => {
  it('never hands out more slots than the cap, however many processes ask at once', async () => {
    const slots = connections.map((redis) => createCallSlots(redis, { prefix, capacity: 3 }));
    const asks = Array.from({ length: 40 }, (_, i) => ({ id: randomUUID(), slots: slots[i % slots.length] }));
    const taken = await Promise.all(asks.map((a) => a.slots?.acquire(a.id)));
    expect(taken.filter(Boolean)).toHaveLength(3);
    expect(await slots[0]?.inUse()).toBe(3);

    // A call that ends frees its slot for the next; asking again for a held slot keeps it.
    const holders = asks.filter((_, i) => taken[i]);
    const waiting = asks.filter((_, i) => !taken[i]);
    expect(await slots[1]?.acquire(holders[0]?.id ?? '')).toBe(true);
    expect(await slots[2]?.acquire(waiting[0]?.id ?? '')).toBe(false);
    await slots[3]?.release(holders[0]?.id ?? '');
    expect(await slots[2]?.acquire(waiting[0]?.id ?? '')).toBe(true);
    expect(await slots[2]?.acquire(waiting[1]?.id ?? '')).toBe(false);
    expect(await slots[0]?.inUse()).toBe(3);
  });

  it('lets a slot whose call never reported its end lapse', async () => {
    const redis = connections[0] as Redis;
    const slots = createCallSlots(redis, { prefix: `${prefix}-lapse`, capacity: 1, holdMs: 50 });
    expect(await slots.acquire(randomUUID())).toBe(true);
    expect(await slots.acquire(randomUUID())).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await slots.inUse()).toBe(0);
    expect(await slots.acquire(randomUUID())).toBe(true);
  });
});
