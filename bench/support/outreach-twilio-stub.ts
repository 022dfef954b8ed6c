/**
 * A stand-in for Twilio's Messages API, reached through TWILIO_API_BASE_URL: it accepts every message
 * at once and counts them, so that a gateway process can dispatch for real without sending anything.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioStub {
  url: string;
  /** Messages accepted so far. */
  sent(): number;
  close(): Promise<void>;
}

export async function startTwilioStub(): Promise<TwilioStub> {
  let sent = 0;
  const server = createServer((req, res) => {
    // The body is read to the end so the client's keep-alive connection can be reused.
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && /\/Messages\.json$/.test(req.url ?? '')) {
        sent += 1;
        const sid = `SM${randomBytes(16).toString('hex')}`;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid, status: 'queued', num_segments: '1' }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
