/**
 * The proxy console's scripts (its own and the one shared with the kiosk) and stylesheet, read once
 * at start and served with a content hash in their address (so a new version is never served stale)
 * and as ETag. They live under /assets, not /proxy: every /proxy route is a signed-in staff route,
 * and these hold nothing private.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context, Env, Hono } from 'hono';
import { screenKitSource } from '../http/screen-kit.ts';

function source(file: string): string {
  return readFileSync(new URL(`./assets/${file}`, import.meta.url), 'utf8');
}

function hashOf(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 16);
}

const JS = source('proxy.js');
const CSS = source('proxy.css');
const KIT = screenKitSource();

export const PROXY_JS_PATH = '/assets/proxy.js';
export const PROXY_CSS_PATH = '/assets/proxy.css';
export const PROXY_KIT_PATH = '/assets/screen-kit.js';
export const PROXY_JS_HREF = `${PROXY_JS_PATH}?v=${hashOf(JS)}`;
export const PROXY_CSS_HREF = `${PROXY_CSS_PATH}?v=${hashOf(CSS)}`;
export const PROXY_KIT_HREF = `${PROXY_KIT_PATH}?v=${hashOf(KIT)}`;

/** The bytes of one asset (for tests and size reports). */
export function proxyAssetSource(file: 'proxy.js' | 'proxy.css'): string {
  return file === 'proxy.js' ? JS : CSS;
}

/** Serves the console's scripts and stylesheet. */
export function registerProxyAssets<E extends Env>(app: Hono<E>): void {
  for (const [path, body, type] of [
    [PROXY_KIT_PATH, KIT, 'text/javascript; charset=utf-8'],
    [PROXY_JS_PATH, JS, 'text/javascript; charset=utf-8'],
    [PROXY_CSS_PATH, CSS, 'text/css; charset=utf-8'],
  ] as const) {
    const etag = `"${hashOf(body)}"`;
    app.get(path, (c: Context<E>) => {
      c.header('Content-Type', type);
      c.header('Cache-Control', 'public, max-age=3600');
      c.header('ETag', etag);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cross-Origin-Resource-Policy', 'same-origin');
      if (c.req.header('if-none-match') === etag) return c.body(null, 304);
      return c.body(body);
    });
  }
}
