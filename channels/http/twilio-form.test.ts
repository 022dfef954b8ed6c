import { Hono } from 'hono';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { firstParam, formParams, isSignedByTwilio, readSignedForm, signedUrl } from './twilio-form.ts';

const TOKEN = 'twilio-form-test-token';
const URL_AS_CONFIGURED = 'https://hall.example.org/channels/sms/inbound';
const PARAMS = { MessageSid: 'SM123', From: '+8613900001234', Body: '1 支持' };

describe('signedUrl', () => {
  it('joins the public base URL, the path and the request query, ignoring the Host the request came to', () => {
    expect(
      signedUrl('https://hall.example.org', '/channels/sms/status', 'http://10.0.0.5:3000/x?d=abc&n=2'),
    ).toBe('https://hall.example.org/channels/sms/status?d=abc&n=2');
    expect(signedUrl('https://hall.example.org', '/channels/sms/inbound', 'http://127.0.0.1/y')).toBe(
      URL_AS_CONFIGURED,
    );
  });
});

describe('formParams', () => {
  it('keeps every value of a repeated name, in order', () => {
    expect(formParams('a=1&b=2&a=3&a=4')).toEqual({ a: ['1', '3', '4'], b: '2' });
    expect(firstParam(formParams('a=1&a=2').a)).toBe('1');
    expect(firstParam(undefined)).toBeUndefined();
  });
});

describe('isSignedByTwilio', () => {
  it('accepts a signature made for the URL as configured', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_AS_CONFIGURED, PARAMS);
    expect(isSignedByTwilio(TOKEN, signature, URL_AS_CONFIGURED, PARAMS)).toBe(true);
  });

  it('accepts a signature made for the same URL with its default port written out', () => {
    const signature = twilio.getExpectedTwilioSignature(
      TOKEN,
      'https://hall.example.org:443/channels/sms/inbound',
      PARAMS,
    );
    expect(isSignedByTwilio(TOKEN, signature, URL_AS_CONFIGURED, PARAMS)).toBe(true);
  });

  it('refuses a signature over other parameters, another URL or another token', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_AS_CONFIGURED, PARAMS);
    expect(isSignedByTwilio(TOKEN, signature, URL_AS_CONFIGURED, { ...PARAMS, Body: '2 反对' })).toBe(false);
    expect(isSignedByTwilio(TOKEN, signature, 'https://evil.example.org/channels/sms/inbound', PARAMS)).toBe(
      false,
    );
    expect(isSignedByTwilio('another-token', signature, URL_AS_CONFIGURED, PARAMS)).toBe(false);
  });

  it('refuses signatures of the wrong length or encoding without throwing', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_AS_CONFIGURED, PARAMS);
    expect(isSignedByTwilio(TOKEN, signature.slice(1), URL_AS_CONFIGURED, PARAMS)).toBe(false);
    expect(isSignedByTwilio(TOKEN, `${signature}=`, URL_AS_CONFIGURED, PARAMS)).toBe(false);
    expect(isSignedByTwilio(TOKEN, '签名'.repeat(7), URL_AS_CONFIGURED, PARAMS)).toBe(false);
    expect(isSignedByTwilio(TOKEN, '', URL_AS_CONFIGURED, PARAMS)).toBe(false);
  });
});

describe('readSignedForm', () => {
  const app = new Hono();
  app.post('/hook', async (c) => {
    const form = await readSignedForm(
      c,
      { publicBaseUrl: 'https://hall.example.org', twilio: { authToken: TOKEN } },
      { path: '/hook', maxBytes: 200 },
    );
    return c.json(form);
  });
  const post = (body: string, headers: Record<string, string>) =>
    app.request('http://10.0.0.5:3000/hook?d=7', { method: 'POST', body, headers });
  const signed = (params: Record<string, string>) =>
    twilio.getExpectedTwilioSignature(TOKEN, 'https://hall.example.org/hook?d=7', params);
  const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

  it('returns the parameters of a form signed for the public URL and the query the request came with', async () => {
    const res = await post(new URLSearchParams(PARAMS).toString(), {
      ...FORM,
      'x-twilio-signature': signed(PARAMS),
    });
    expect(await res.json()).toEqual({ ok: true, params: PARAMS });
  });

  it('refuses what is not a form, what is too large and what Twilio did not sign, saying which', async () => {
    const body = new URLSearchParams(PARAMS).toString();
    const json = { 'content-type': 'application/json', 'x-twilio-signature': signed(PARAMS) };
    expect(await (await post(body, json)).json()).toEqual({
      ok: false,
      refusal: 'not_form',
      hasSignature: true,
      configured: true,
    });
    const big = { ...PARAMS, Body: '长'.repeat(80) };
    const tooLarge = await post(new URLSearchParams(big).toString(), {
      ...FORM,
      'x-twilio-signature': signed(big),
    });
    expect(await tooLarge.json()).toEqual({
      ok: false,
      refusal: 'too_large',
      hasSignature: true,
      configured: true,
    });
    expect(await (await post(body, FORM)).json()).toEqual({
      ok: false,
      refusal: 'unsigned',
      hasSignature: false,
      configured: true,
    });
    const forged = await post(body, { ...FORM, 'x-twilio-signature': signed({ ...PARAMS, Body: '2' }) });
    expect(await forged.json()).toEqual({
      ok: false,
      refusal: 'unsigned',
      hasSignature: true,
      configured: true,
    });
  });

  it('refuses even a correctly signed form when no auth token is configured', async () => {
    const bare = new Hono();
    bare.post('/hook', async (c) =>
      c.json(
        await readSignedForm(
          c,
          { publicBaseUrl: 'https://hall.example.org' },
          { path: '/hook', maxBytes: 200 },
        ),
      ),
    );
    const res = await bare.request('http://10.0.0.5:3000/hook?d=7', {
      method: 'POST',
      body: new URLSearchParams(PARAMS).toString(),
      headers: { ...FORM, 'x-twilio-signature': signed(PARAMS) },
    });
    expect(await res.json()).toEqual({
      ok: false,
      refusal: 'unsigned',
      hasSignature: true,
      configured: false,
    });
  });
});
