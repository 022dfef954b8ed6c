import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { createTestCtx as createTestContext } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { getVoiceCall } from './get-voice-call.ts';
import { startVoiceCall } from './start-voice-call.ts';
import { updateVoiceCall } from './update-voice-call.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const newSid = () => `CA${randomBytes(16).toString('hex')}`;

describe('voice calls', () => {
  it('starts a call once per CallSid, whatever a repeated start says', async () => {
    const ctx = createTestContext(database.db);
    const callSid = newSid();
    const first = await startVoiceCall(ctx, {
      callSid,
      direction: 'inbound',
      locale: 'zh-HK',
      state: { step: 'menu' },
    });
    expect(first.created).toBe(true);
    expect(first.call).toMatchObject({
      callSid,
      direction: 'inbound',
      locale: 'zh-HK',
      status: 'in-progress',
    });
    const again = await startVoiceCall(ctx, { callSid, direction: 'inbound', locale: 'en' });
    expect(again.created).toBe(false);
    expect(again.call.locale).toBe('zh-HK');
    expect(again.call.state).toEqual({ step: 'menu' });
  });

  it('refuses a malformed CallSid', async () => {
    const ctx = createTestContext(database.db);
    await expect(startVoiceCall(ctx, { callSid: 'CA123', direction: 'inbound' })).rejects.toBeInstanceOf(
      ServiceError,
    );
  });

  it('replaces the state, and never reopens an ended call', async () => {
    const ctx = createTestContext(database.db);
    const callSid = newSid();
    await startVoiceCall(ctx, { callSid, direction: 'outbound', status: 'queued' });
    await updateVoiceCall(ctx, { callSid, state: { flow: 'survey', misses: 1 }, slowSpeech: true });
    expect((await getVoiceCall(ctx, callSid))?.state).toEqual({ flow: 'survey', misses: 1 });

    ctx.clock.advance(60_000);
    const done = await updateVoiceCall(ctx, { callSid, status: 'completed' });
    expect(done?.status).toBe('completed');
    expect(done?.endedAt?.toISOString()).toBe(ctx.clock.now().toISOString());

    ctx.clock.advance(60_000);
    const late = await updateVoiceCall(ctx, { callSid, status: 'ringing' });
    expect(late?.status).toBe('completed');
    const failedLater = await updateVoiceCall(ctx, { callSid, status: 'failed' });
    expect(failedLater?.status).toBe('completed');
    expect(failedLater?.endedAt?.toISOString()).toBe(done?.endedAt?.toISOString());
    expect(failedLater?.slowSpeech).toBe(true);
  });

  it('answers undefined for a call it never saw', async () => {
    const ctx = createTestContext(database.db);
    expect(await updateVoiceCall(ctx, { callSid: newSid(), status: 'completed' })).toBeUndefined();
    expect(await getVoiceCall(ctx, newSid())).toBeUndefined();
  });
});
