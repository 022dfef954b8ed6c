import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { OutboundMessage } from '../../src/outreach/sender.ts';
import { type PrismTwilio, startPrismTwilio } from '../../src/testing/prism-twilio.ts';
import { createTwilioVoiceSender } from './twilio-voice-sender.ts';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const PUBLIC_BASE_URL = 'https://yishitang.example.org';
const VOICE_FROM = '+8610690000002';
const PHONE = '+8613800138000';

function twilioConfig(apiBaseUrl: string): Pick<Config, 'twilio' | 'publicBaseUrl'> {
  return {
    publicBaseUrl: PUBLIC_BASE_URL,
    twilio: {
      accountSid: ACCOUNT_SID,
      authToken: 'token',
      smsFrom: undefined,
      voiceFrom: VOICE_FROM,
      apiBaseUrl,
    },
  };
}

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    outboxId: randomUUID(),
    channel: 'voice',
    residentId: randomUUID(),
    locale: 'zh-CN',
    body: '您好，这里是东湖社区议事堂。T23已完工。想请您回答一个简短的问题。',
    to: PHONE,
    attempt: 2,
    ...overrides,
  };
}

describe('the Twilio voice sender against Twilio’s contract (Prism)', () => {
  let prism: PrismTwilio;
  const calls = () => prism.requests.filter((r) => r.method === 'POST' && /\/Calls\.json$/.test(r.path));

  beforeAll(async () => {
    prism = await startPrismTwilio();
  }, 90_000);
  afterAll(async () => {
    await prism?.stop();
  });
  beforeEach(() => prism.clear());

  it('places one contract-valid call whose URLs name the delivery and the attempt', async () => {
    const sender = createTwilioVoiceSender({ config: twilioConfig(prism.baseUrl), log: silentLogger() });
    const outbound = message();

    const result = await sender.send(outbound);

    const [request, ...others] = calls();
    expect(request?.status, request?.responseBody).toBe(201);
    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^CA[0-9a-f]{32}$/i) });
    expect(others).toHaveLength(0);
    expect(request?.status).toBe(201);
    expect(request?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(request?.form.get('To')).toBe(PHONE);
    expect(request?.form.get('From')).toBe(VOICE_FROM);
    expect(request?.form.get('Url')).toBe(
      `${PUBLIC_BASE_URL}/channels/voice/outbound?delivery=${outbound.outboxId}`,
    );
    expect(request?.form.get('StatusCallback')).toBe(
      `${PUBLIC_BASE_URL}/channels/voice/status?delivery=${outbound.outboxId}&attempt=2`,
    );
    expect(request?.form.get('StatusCallbackMethod')).toBe('POST');
    // Only the end of the call is reported (Twilio's default).
    expect(request?.form.has('StatusCallbackEvent')).toBe(false);
    expect(request?.form.get('MachineDetection')).toBe('DetectMessageEnd');
    expect(Number(request?.form.get('Timeout'))).toBeGreaterThanOrEqual(30);
    expect(Number(request?.form.get('TimeLimit'))).toBeGreaterThan(0);
    // What the call says is fetched from the answer URL, never sent to Twilio up front.
    expect(request?.form.has('Twiml')).toBe(false);
  });

  it('reports a refused call as permanent, a busy API or a network failure as retryable', async () => {
    const answers = [
      { status: 400, code: 21217, permanent: true },
      { status: 429, code: 20429, permanent: false },
    ];
    for (const answer of answers) {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          // Twilio's messages quote the number; the result must not.
          res.end(
            JSON.stringify({ code: answer.code, message: `Cannot call ${PHONE}`, status: answer.status }),
          );
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const sender = createTwilioVoiceSender({
        config: twilioConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        log: silentLogger(),
      });
      const result = await sender.send(message());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(result).toEqual({
        ok: false,
        permanent: answer.permanent,
        error: String(answer.code),
        code: String(answer.code),
      });
      expect(JSON.stringify(result)).not.toContain(PHONE.slice(3));
    }

    const unreachable = createTwilioVoiceSender({
      config: twilioConfig('http://127.0.0.1:9'),
      log: silentLogger(),
      timeoutMs: 2_000,
    });
    expect(await unreachable.send(message())).toMatchObject({ ok: false, permanent: false });
  });

  it('cannot be built without a caller number', () => {
    const config = twilioConfig('http://127.0.0.1:9');
    if (config.twilio) config.twilio.voiceFrom = undefined;
    expect(() => createTwilioVoiceSender({ config, log: silentLogger() })).toThrow(/TWILIO_VOICE_FROM/);
  });
});
