/**
 * The kiosk's static files, read once at start and served with a content hash as ETag, so a screen
 * revalidates cheaply and picks up a new version as soon as one is deployed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context, Env, Hono } from 'hono';
import { SCREEN_KIT_FILE } from '../http/screen-kit.ts';

interface Asset {
  path: string;
  file: string;
  /** Where the file is, when it is not one of the kiosk's own (the script shared with other channels). */
  from?: URL;
  type: string;
  /** Extra headers, e.g. the scope a service worker may claim. */
  headers?: Record<string, string>;
}

const ASSETS: Asset[] = [
  {
    path: '/kiosk/assets/screen-kit.js',
    file: 'screen-kit.js',
    from: SCREEN_KIT_FILE,
    type: 'text/javascript; charset=utf-8',
  },
  { path: '/kiosk/assets/kiosk.js', file: 'kiosk.js', type: 'text/javascript; charset=utf-8' },
  { path: '/kiosk/assets/kiosk.css', file: 'kiosk.css', type: 'text/css; charset=utf-8' },
  {
    path: '/kiosk/sw.js',
    file: 'sw.js',
    type: 'text/javascript; charset=utf-8',
    // Served from /kiosk/ but controls /kiosk itself (the start screen), which is one level up.
    headers: { 'Service-Worker-Allowed': '/kiosk' },
  },
];

/** The bytes of one kiosk asset, by file name (for size reports and tests). */
export function kioskAssetSource(file: string): string {
  const from = ASSETS.find((asset) => asset.file === file)?.from;
  return readFileSync(from ?? new URL(`./assets/${file}`, import.meta.url), 'utf8');
}

/** Serves the kiosk's scripts, stylesheet and service worker. They hold no secrets and need no device. */
export function registerKioskAssets<E extends Env>(app: Hono<E>): void {
  for (const asset of ASSETS) {
    const body = kioskAssetSource(asset.file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    app.get(asset.path, (c: Context<E>) => {
      c.header('Content-Type', asset.type);
      c.header('Cache-Control', 'no-cache');
      c.header('ETag', etag);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cross-Origin-Resource-Policy', 'same-origin');
      for (const [name, value] of Object.entries(asset.headers ?? {})) c.header(name, value);
      if (c.req.header('if-none-match') === etag) return c.body(null, 304);
      return c.body(body);
    });
  }
}
