import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakes, voiceCalls } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import {
  newCallSid,
  postSignedWebhook,
  TEST_INTERNAL_ORIGIN,
  TEST_PUBLIC_BASE_URL,
  twilioSignature,
} from '../sms/twilio-test-kit.ts';
import {
  callParams,
  createVoiceOutboundHarness,
  deliveryRow,
  placeCampaignCall,
  ScriptedCall,
  type VoiceDeliveryFixture,
  type VoiceOutboundHarness,
} from './voice-outbound-test-kit.ts';

let database: TestDatabase;
let h: VoiceOutboundHarness;
let fixture: VoiceDeliveryFixture;
let other: VoiceDeliveryFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await createVoiceOutboundHarness(database);
  fixture = await placeCampaignCall(h, { questions: ['satisfaction'] });
  other = await placeCampaignCall(h, { questions: ['satisfaction'] });
});

afterAll(async () => {
  await h?.close();
  await database?.close();
});

async function stored() {
  const [calls] = await database.db.select({ n: count() }).from(voiceCalls);
  const [taken] = await database.db.select({ n: count() }).from(intakes);
  return { calls: calls?.n ?? 0, intakes: taken?.n ?? 0 };
}

function paths(deliveryId: string) {
  return [
    `/channels/voice/outbound?delivery=${deliveryId}`,
    `/channels/voice/outbound/notice?delivery=${deliveryId}`,
    `/channels/voice/outbound/confirm?delivery=${deliveryId}`,
    '/channels/voice/survey',
    `/channels/voice/status?delivery=${deliveryId}&attempt=1`,
  ];
}

describe('outbound call webhooks refuse what Twilio did not sign', () => {
  it('refuses a forged, missing or misplaced signature with 403 and stores nothing', async () => {
    const before = await stored();
    const params = callParams({
      callSid: newCallSid(),
      to: fixture.phone,
      status: 'completed',
      extra: { AnsweredBy: 'human', Digits: '1' },
    });
    for (const path of paths(fixture.deliveryId)) {
      const forged = await postSignedWebhook(h.app, { path, params, authToken: 'someone-elses-token' });
      expect(forged.status, path).toBe(403);
      const missing = await postSignedWebhook(h.app, { path, params, signature: null });
      expect(missing.status, path).toBe(403);
      // Signed over the address the request reached instead of the public one Twilio calls.
      const internal = await postSignedWebhook(h.app, { path, params, signedBaseUrl: TEST_INTERNAL_ORIGIN });
      expect(internal.status, path).toBe(403);
    }
    expect(await stored()).toEqual(before);
    expect(await deliveryRow(h, fixture.deliveryId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('refuses a signed request whose delivery or attempt was changed on the way', async () => {
    const before = await stored();
    const params = callParams({ callSid: newCallSid(), to: fixture.phone, status: 'no-answer' });
    // Signed for one delivery, sent to another's answer URL.
    const swapped = await postSignedWebhook(h.app, {
      path: `/channels/voice/outbound?delivery=${other.deliveryId}`,
      params,
      signature: twilioSignature(
        `${TEST_PUBLIC_BASE_URL}/channels/voice/outbound?delivery=${fixture.deliveryId}`,
        params,
      ),
    });
    expect(swapped.status).toBe(403);

    const tampered = await postSignedWebhook(h.app, {
      path: `/channels/voice/status?delivery=${other.deliveryId}&attempt=1`,
      params,
      tamper: (p) => ({ ...p, CallStatus: 'completed' }),
    });
    expect(tampered.status).toBe(403);
    expect(await deliveryRow(h, other.deliveryId)).toMatchObject({ status: 'sent' });
    expect(await stored()).toEqual(before);
  });

  it('answers a survey only for the call’s own resident, whatever number the request names', async () => {
    const call = new ScriptedCall(h.app, other.phone);
    const first = await call.follow(await call.answer(fixture.deliveryId));
    await call.press(first, '4');
    const [record] = await database.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, call.callSid));
    expect(record?.residentId).toBe(fixture.residentId);
    const [answer] = await database.db
      .select()
      .from(intakes)
      .where(eq(intakes.externalId, `${call.callSid}:${fixture.questionIds[0]}`));
    expect(answer?.residentId).toBe(fixture.residentId);
  });
});
