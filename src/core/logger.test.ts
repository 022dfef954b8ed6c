import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhoneLike } from './logger.ts';

describe('maskPhoneLike', () => {
  it.each([
    ['from +8613800138000', 'from [phone]'],
    ['call 138 0013 8000 now', 'call [phone] now'],
    ['call 138-0013-8000', 'call [phone]'],
    ['8613800138000', '[phone]'],
  ])('masks %s', (input, expected) => {
    expect(maskPhoneLike(input)).toBe(expected);
  });

  it.each([
    'published 2026-10-14',
    'outbox 3f2b8c1e-4333-9838-a1b2-000000000001',
    'topic T23 and 42 votes',
    'hash 1a2b3c4d5e6f',
  ])('leaves %s alone', (input) => {
    expect(maskPhoneLike(input)).toBe(input);
  });

  it('keeps every UUID intact in log lines', () => {
    const lines: string[] = [];
    const log = createLogger({
      destination: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const ids = Array.from({ length: 200 }, () => crypto.randomUUID());
    for (const id of ids) log.info({ outboxId: id }, `sending ${id}`);
    const text = lines.join('');
    for (const id of ids) expect(text.split(id).length - 1).toBe(2);
  });
});
