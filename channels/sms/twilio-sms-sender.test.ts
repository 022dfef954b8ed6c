import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { OutboundMessage } from '../../src/outreach/sender.ts';
import { type PrismTwilio, startPrismTwilio } from '../../src/testing/prism-twilio.ts';
import { createTwilioSmsSender } from './twilio-sms-sender.ts';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'test-auth-token';
const PUBLIC_BASE_URL = 'https://yishitang.example.org';
const SERVICE_SID = `MG${'fedcba9876543210'.repeat(2)}`;
const PHONE = '+8613800138000';
const PHONE_DIGITS = '13800138000';

function twilioConfig(
  apiBaseUrl: string,
  smsFrom = '+8610690000001',
): Pick<Config, 'twilio' | 'publicBaseUrl'> {
  return {
    publicBaseUrl: PUBLIC_BASE_URL,
    twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, smsFrom, voiceFrom: undefined, apiBaseUrl },
  };
}

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    outboxId: randomUUID(),
    channel: 'sms',
    residentId: randomUUID(),
    locale: 'zh-CN',
    body: '【东湖社区议事堂】议题T23《3号楼加装电梯》公示至12月8日。支持回1，反对回2。退订回TD',
    to: PHONE,
    ...overrides,
  };
}

describe('the Twilio SMS sender against Twilio’s contract (Prism)', () => {
  let prism: PrismTwilio;

  beforeAll(async () => {
    prism = await startPrismTwilio();
  }, 90_000);
  afterAll(async () => {
    await prism?.stop();
  });
  beforeEach(() => prism.clear());

  it('sends one contract-valid Messages request whose status callback names the delivery', async () => {
    const sender = createTwilioSmsSender({ config: twilioConfig(prism.baseUrl), log: silentLogger() });
    const outbound = message();

    const result = await sender.send(outbound);

    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/i) });
    const [request, ...others] = prism.messageRequests();
    expect(others).toHaveLength(0);
    expect(request?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request?.status).toBe(201);
    expect(request?.form.get('To')).toBe(PHONE);
    expect(request?.form.get('From')).toBe('+8610690000001');
    expect(request?.form.has('MessagingServiceSid')).toBe(false);
    expect(request?.form.get('Body')).toBe(outbound.body);
    const callback = new URL(request?.form.get('StatusCallback') ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(`${PUBLIC_BASE_URL}/channels/sms/status`);
    expect(callback.searchParams.get('d')).toBe(outbound.outboxId);
  });

  it('sends through a Messaging Service when TWILIO_SMS_FROM is an MG… SID', async () => {
    const sender = createTwilioSmsSender({
      config: twilioConfig(prism.baseUrl, SERVICE_SID),
      log: silentLogger(),
    });

    const result = await sender.send(message());

    expect(result.ok).toBe(true);
    const [request] = prism.messageRequests();
    expect(request?.status).toBe(201);
    expect(request?.form.get('MessagingServiceSid')).toBe(SERVICE_SID);
    expect(request?.form.has('From')).toBe(false);
  });

  it('gives each delivery its own callback even though the stand-in answers with one sid', async () => {
    const sender = createTwilioSmsSender({ config: twilioConfig(prism.baseUrl), log: silentLogger() });
    const ids = [randomUUID(), randomUUID(), randomUUID()];

    for (const outboxId of ids) await sender.send(message({ outboxId }));

    const requests = prism.messageRequests();
    expect(requests.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(requests.map((r) => new URL(r.form.get('StatusCallback') ?? '').searchParams.get('d'))).toEqual(
      ids,
    );
  });
});

/** A stand-in at the network edge that answers every request with whatever the test sets. */
interface ErrorStub {
  baseUrl: string;
  paths: string[];
  answer: { status: number; body: string } | 'hang';
  close(): Promise<void>;
}

async function startErrorStub(): Promise<ErrorStub> {
  const hanging = new Set<http.ServerResponse>();
  const stub: ErrorStub = {
    baseUrl: '',
    paths: [],
    answer: { status: 500, body: '' },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    stub.paths.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      if (stub.answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(stub.answer.status, { 'content-type': 'application/json' });
      res.end(stub.answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  stub.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

function twilioError(code: number, status: number, text: string): { status: number; body: string } {
  return {
    status,
    body: JSON.stringify({
      code,
      message: text,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    }),
  };
}

describe('how the Twilio SMS sender classifies failures', () => {
  let stub: ErrorStub;

  beforeAll(async () => {
    stub = await startErrorStub();
  });
  afterAll(async () => {
    await stub?.close();
  });

  const cases: {
    name: string;
    answer: { status: number; body: string };
    permanent: boolean;
    code?: string;
  }[] = [
    {
      name: 'an opted-out recipient (21610)',
      answer: twilioError(21610, 400, `Attempt to send to unsubscribed recipient ${PHONE}`),
      permanent: true,
      code: '21610',
    },
    {
      name: 'an invalid number (21211)',
      answer: twilioError(21211, 400, `The 'To' number ${PHONE} is not a valid phone number.`),
      permanent: true,
      code: '21211',
    },
    {
      name: 'a number that is not a mobile (21614)',
      answer: twilioError(21614, 400, `'To' number ${PHONE} is not a valid mobile number`),
      permanent: true,
      code: '21614',
    },
    {
      name: 'a region the account may not send to (21408)',
      answer: twilioError(21408, 400, 'Permission to send an SMS has not been enabled for the region'),
      permanent: true,
      code: '21408',
    },
    {
      name: 'any other client error (21602, body required)',
      answer: twilioError(21602, 400, 'Message body is required.'),
      permanent: true,
      code: '21602',
    },
    {
      name: 'too many requests (429 / 20429)',
      answer: twilioError(20429, 429, 'Too Many Requests'),
      permanent: false,
      code: '20429',
    },
    {
      name: 'a full sending queue (21611)',
      answer: twilioError(21611, 400, 'This From number has exceeded the maximum number of queued messages'),
      permanent: false,
      code: '21611',
    },
    {
      name: 'a server error with a code (500 / 20500)',
      answer: twilioError(20500, 500, 'Internal Server Error'),
      permanent: false,
      code: '20500',
    },
    {
      name: 'a bare 503 from a load balancer',
      answer: { status: 503, body: 'Service Unavailable' },
      permanent: false,
    },
  ];

  for (const c of cases) {
    it(`treats ${c.name} as ${c.permanent ? 'permanent' : 'worth retrying'}, without the number`, async () => {
      stub.answer = c.answer;
      stub.paths.length = 0;
      const sender = createTwilioSmsSender({ config: twilioConfig(stub.baseUrl), log: silentLogger() });

      const result = await sender.send(message());

      expect(stub.paths).toEqual([`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`]);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.permanent).toBe(c.permanent);
      expect(result.code).toBe(c.code);
      expect(result.error).toBe(c.code ?? `http_${c.answer.status}`);
      expect(JSON.stringify(result)).not.toContain(PHONE_DIGITS);
    });
  }

  it('treats a refused connection as worth retrying', async () => {
    const closed = await startErrorStub();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const sender = createTwilioSmsSender({ config: twilioConfig(baseUrl), log: silentLogger() });

    const result = await sender.send(message());

    expect(result).toEqual({ ok: false, permanent: false, error: 'network:ECONNREFUSED' });
  });

  it('gives up on an answer that never comes and treats it as worth retrying', async () => {
    stub.answer = 'hang';
    const sender = createTwilioSmsSender({
      config: twilioConfig(stub.baseUrl),
      log: silentLogger(),
      timeoutMs: 200,
    });

    const result = await sender.send(message());

    // The request went out: Twilio may have it, so a retry must be flagged as a possible duplicate.
    expect(result).toEqual({ ok: false, permanent: false, error: 'timeout', uncertain: true });
  });
});

describe('createTwilioSmsSender', () => {
  it('refuses to build without a sending number or service', () => {
    expect(() =>
      createTwilioSmsSender({
        config: {
          publicBaseUrl: PUBLIC_BASE_URL,
          twilio: {
            accountSid: ACCOUNT_SID,
            authToken: AUTH_TOKEN,
            smsFrom: undefined,
            voiceFrom: undefined,
            apiBaseUrl: undefined,
          },
        },
        log: silentLogger(),
      }),
    ).toThrow(/TWILIO_SMS_FROM/);
  });
});
