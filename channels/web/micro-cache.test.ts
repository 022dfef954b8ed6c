import { describe, expect, it } from 'vitest';
import { MicroCache } from './micro-cache.ts';

describe('MicroCache', () => {
  it('loads once for concurrent readers and serves the value until it expires', async () => {
    let now = 0;
    let loads = 0;
    const cache = new MicroCache<number>(1000, 10, () => now);
    const load = async () => {
      loads += 1;
      return loads;
    };
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual([
      1, 1, 1,
    ]);
    now = 999;
    expect(await cache.get('k', load)).toBe(1);
    now = 1000;
    expect(await cache.get('k', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('forgets a key on request, and never keeps a failed load', async () => {
    const cache = new MicroCache<string>(60_000, 10, () => 0);
    expect(await cache.get('a|1', async () => 'first')).toBe('first');
    cache.deleteWhere((key) => key.startsWith('a|'));
    expect(await cache.get('a|1', async () => 'second')).toBe('second');
    await expect(cache.get('b', async () => Promise.reject(new Error('database down')))).rejects.toThrow();
    expect(await cache.get('b', async () => 'recovered')).toBe('recovered');
  });

  it('stays within its size by starting afresh when full', async () => {
    let loads = 0;
    const cache = new MicroCache<number>(60_000, 2, () => 0);
    const load = async () => ++loads;
    await cache.get('x', load);
    await cache.get('y', load);
    await cache.get('z', load);
    expect(await cache.get('x', load)).toBe(4);
  });
});
