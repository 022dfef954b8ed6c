import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPhone, newTopic, residentWithPhone } from '../../src/conversations/conversation-test-kit.ts';
import {
  communities,
  intakes,
  opinions,
  residents,
  staff,
  streets,
  voiceCallbacks,
  voiceCalls,
} from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import { makeStaff, signInDirectly } from '../console/console-test-kit.ts';
import { LOGIN_PATH } from '../http/staff-auth.ts';
import { TEST_INTERNAL_ORIGIN, TEST_PUBLIC_BASE_URL, twilioSignature } from '../sms/twilio-test-kit.ts';
import { createVoiceHarness, pathOf, type VoiceHarness } from './call-script.ts';
import { MAX_VOICE_BODY_BYTES } from './voice-twiml.ts';

let database: TestDatabase;
let voice: VoiceHarness;

beforeAll(async () => {
  database = await createTestDatabase();
  voice = createVoiceHarness(database);
});

afterAll(async () => {
  await voice.deps.close();
  await database.close();
});

async function stored() {
  const [calls] = await database.db.select({ n: count() }).from(voiceCalls);
  const [taken] = await database.db.select({ n: count() }).from(intakes);
  const [callbacks] = await database.db.select({ n: count() }).from(voiceCallbacks);
  return { calls: calls?.n ?? 0, intakes: taken?.n ?? 0, callbacks: callbacks?.n ?? 0 };
}

const VOICE_PATHS = [
  '/channels/voice/inbound',
  '/channels/voice/menu',
  '/channels/voice/answer?step=menu',
  '/channels/voice/recorded?step=need',
  '/channels/voice/transcribed?step=need',
  '/channels/voice/person?return=%2Fchannels%2Fvoice%2Fmenu',
  '/channels/voice/transfer-ended?return=%2Fchannels%2Fvoice%2Fmenu',
];

describe('webhook signatures', () => {
  it('refuses forged, missing and misdirected signatures on every voice route with 403, storing nothing', async () => {
    const before = await stored();
    const call = voice.call(newPhone());
    const params = {
      ...call.baseParams(),
      Digits: '1',
      RecordingUrl: 'https://api.twilio.com/x',
      RecordingSid: `RE${'a'.repeat(32)}`,
      TranscriptionText: '伪造的内容',
    };
    for (const path of VOICE_PATHS) {
      const forged = await call.send(path, params, { authToken: 'someone-elses-token' });
      expect(forged.status, path).toBe(403);
      const unsigned = await call.send(path, params, { signature: null });
      expect(unsigned.status, path).toBe(403);
      // Signed over the address the app sees behind the proxy, not the public one Twilio calls.
      const hostSigned = await call.send(path, params, { signedBaseUrl: TEST_INTERNAL_ORIGIN });
      expect(hostSigned.status, path).toBe(403);
      const body = (await forged.json()) as { error: { code: string } };
      expect(body.error.code).toBe('forbidden');
    }
    expect(await stored()).toEqual(before);
  });

  it('refuses a signed request whose answer was changed on the way', async () => {
    const topic = await newTopic(database.db);
    const resident = await residentWithPhone(voice.ctx());
    await database.db
      .update(residents)
      .set({ preferredLocale: 'zh-CN' })
      .where(eq(residents.id, resident.id));
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('2');
    await call.press(String(topic.number === 9 ? (await newTopic(database.db)).number : topic.number));
    const stanceUrl = call.last.gather?.attrs.action ?? '';
    const tampered = await call.send(
      pathOf(stanceUrl),
      { ...call.baseParams(), Digits: '1' },
      {
        tamper: (p) => ({ ...p, Digits: '2' }),
      },
    );
    expect(tampered.status).toBe(403);
    // A signature for one step does not open another.
    const params = { ...call.baseParams(), Digits: '1' };
    const moved = await call.send('/channels/voice/answer?step=message', params, {
      signature: twilioSignature(stanceUrl, params),
    });
    expect(moved.status).toBe(403);
    const [n] = await database.db.select({ n: count() }).from(opinions).where(eq(opinions.topicId, topic.id));
    expect(n?.n).toBe(0);
  });

  it('refuses every voice webhook when Twilio is not configured (nothing could be verified)', async () => {
    const fresh = await createTestDatabase();
    const local = createVoiceHarness(fresh, { TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
    try {
      const call = local.call(newPhone());
      for (const path of VOICE_PATHS) {
        expect((await call.send(path, call.baseParams())).status, path).toBe(403);
      }
      const [n] = await fresh.db.select({ n: count() }).from(voiceCalls);
      expect(n?.n).toBe(0);
    } finally {
      await local.deps.close();
      await fresh.close();
    }
  });

  it('refuses bodies that are not forms (400) or far too large (413)', async () => {
    const json = await voice.app.request(`${TEST_INTERNAL_ORIGIN}/channels/voice/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-signature': 'x' },
      body: JSON.stringify({ CallSid: 'CA1' }),
    });
    expect(json.status).toBe(400);
    const call = voice.call(newPhone());
    const huge = await call.send('/channels/voice/inbound', {
      ...call.baseParams(),
      Padding: 'x'.repeat(MAX_VOICE_BODY_BYTES + 1),
    });
    expect(huge.status).toBe(413);
  });
});

describe('where a caller can be sent', () => {
  it('returns callers only to voice paths, never to an address a request names', async () => {
    voice.deps.clock.set('2026-11-28T02:00:00Z');
    try {
      for (const target of [
        'https://evil.example/x',
        '//evil.example',
        '/channels/voice/../../console',
        '/console',
      ]) {
        const call = voice.call(newPhone());
        await call.dial();
        const booked = await call.post(
          `${TEST_PUBLIC_BASE_URL}/channels/voice/person?return=${encodeURIComponent(target)}`,
        );
        expect(booked.redirect, target).toBe(`${TEST_PUBLIC_BASE_URL}/channels/voice/menu`);
      }
    } finally {
      voice.deps.clock.set('2026-11-27T02:00:00Z');
    }
  });
});

describe('the call-back list', () => {
  async function bookedFrom(communityId: string | null) {
    const resident = await residentWithPhone(voice.ctx());
    await database.db
      .update(residents)
      .set({ preferredLocale: 'zh-CN', communityId })
      .where(eq(residents.id, resident.id));
    voice.deps.clock.set('2026-11-28T02:00:00Z');
    const call = voice.call(resident.phone);
    await call.dial();
    await call.press('5');
    voice.deps.clock.set('2026-11-27T02:00:00Z');
    return resident;
  }

  it('is closed to anonymous visitors and to roles that do not ring residents back', async () => {
    const anonymous = await voice.app.request('/console/callbacks', { headers: { accept: 'text/html' } });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toContain(`${LOGIN_PATH}?next=`);
    const supervisor = await makeStaff(voice.deps, ['supervisor']);
    const { cookie } = await signInDirectly(voice.deps, supervisor.id);
    const refused = await voice.app.request('/console/callbacks', {
      headers: { cookie, accept: 'text/html' },
    });
    expect(refused.status).toBe(403);
  });

  it('refuses to mark a call-back done without the form token', async () => {
    await bookedFrom(null);
    const [row] = await database.db.select().from(voiceCallbacks).where(eq(voiceCallbacks.status, 'open'));
    const worker = await makeStaff(voice.deps, ['grid_worker']);
    const { cookie } = await signInDirectly(voice.deps, worker.id);
    const res = await voice.app.request(`/console/callbacks/${row?.id}/done`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: 'wrong' }),
    });
    expect(res.status).toBe(403);
    const [after] = await database.db
      .select()
      .from(voiceCallbacks)
      .where(eq(voiceCallbacks.id, row?.id ?? ''));
    expect(after?.status).toBe('open');
  });

  it("shows and lets staff tied to communities close their communities' callers and anonymous ones only", async () => {
    const [street] = await database.db
      .insert(streets)
      .values({ code: 'SEC-S', name: { 'zh-CN': '街道' } })
      .returning();
    const [east, west] = await database.db
      .insert(communities)
      .values([
        { streetId: street?.id ?? '', code: 'SEC-E', name: { 'zh-CN': '东社区' } },
        { streetId: street?.id ?? '', code: 'SEC-W', name: { 'zh-CN': '西社区' } },
      ])
      .returning();
    const fromEast = await bookedFrom(east?.id ?? null);
    const fromWest = await bookedFrom(west?.id ?? null);
    const worker = await makeStaff(voice.deps, ['grid_worker']);
    await database.db
      .update(staff)
      .set({ communityIds: [east?.id ?? ''] })
      .where(eq(staff.id, worker.id));
    const { cookie, csrfToken } = await signInDirectly(voice.deps, worker.id);
    const html = await (
      await voice.app.request('/console/callbacks', { headers: { cookie, accept: 'text/html' } })
    ).text();
    expect(html).toContain(fromEast.phone);
    expect(html).not.toContain(fromWest.phone);

    // Nor can they close a call-back they are not shown.
    const [westCallback] = await database.db
      .select()
      .from(voiceCallbacks)
      .where(and(eq(voiceCallbacks.communityId, west?.id ?? ''), eq(voiceCallbacks.status, 'open')));
    const closing = await voice.app.request(`/console/callbacks/${westCallback?.id}/done`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: csrfToken }),
    });
    expect(closing.status).toBe(404);
    const [still] = await database.db
      .select()
      .from(voiceCallbacks)
      .where(eq(voiceCallbacks.id, westCallback?.id ?? ''));
    expect(still?.status).toBe('open');
  });
});
