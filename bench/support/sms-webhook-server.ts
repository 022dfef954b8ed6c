/**
 * A webhook server for the inbound-SMS benchmark, run as its own process so that the load generator
 * does not share its event loop. `full` is the gateway's real HTTP app; `reference` is the least a
 * handler can do: Hono, read the form, one parameterised INSERT, an empty TwiML answer.
 *
 *   tsx bench/support/sms-webhook-server.ts full|reference
 * Environment: DATABASE_URL, PII_KEY, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { createAppDeps } from '../../src/runtime/create-app-deps.ts';

const mode = process.argv[2];

async function referenceApp(url: string): Promise<Hono> {
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  await pool.query(
    'create table if not exists bench_reference (sid text primary key, sender text, body text)',
  );
  const app = new Hono();
  app.post('/channels/sms/inbound', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    await pool.query(
      'insert into bench_reference (sid, sender, body) values ($1, $2, $3) on conflict do nothing',
      [form.get('MessageSid'), form.get('From'), form.get('Body')],
    );
    return c.body('<?xml version="1.0" encoding="UTF-8"?><Response/>', 200, { 'content-type': 'text/xml' });
  });
  return app;
}

async function main(): Promise<void> {
  let fetchHandler: (request: Request) => Response | Promise<Response>;
  if (mode === 'reference') {
    fetchHandler = (await referenceApp(process.env.DATABASE_URL ?? '')).fetch;
  } else if (mode === 'full') {
    const config = parseConfig({ ...process.env, LOG_LEVEL: 'silent', DEMO_DATA: 'off' });
    const deps = await createAppDeps(config, { poolSize: 20 });
    fetchHandler = createApp(deps).fetch;
  } else {
    throw new Error('usage: sms-webhook-server.ts full|reference');
  }
  const server = serve({ fetch: fetchHandler, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
    process.stdout.write(`ready ${info.port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

await main();
