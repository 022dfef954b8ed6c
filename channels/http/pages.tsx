import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { resolveDisplay, runWithDisplay } from './display.ts';
import type { PageEnv } from './env.ts';
import { Layout, type LayoutProps } from './layout.tsx';
import { pageLocale } from './locale.ts';

/** The policy for every HTML page: our own stylesheet and forms only; no script, nothing inline. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Headers for every HTML page: a Content-Security-Policy that allows only our own stylesheet and
 * forms (no script at all, no inline style), no framing, no powerful browser features, no caching
 * of pages that may show personal data.
 */
export function setPageSecurityHeaders(c: Context): void {
  c.header('Content-Security-Policy', PAGE_CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  c.header('Cache-Control', 'no-store');
}

/** Locale, translator, display preferences and security headers for an HTML page route. */
export function pageSetup<E extends PageEnv = PageEnv>(
  deps: Pick<AppDeps, 'config' | 'i18n'>,
): MiddlewareHandler<E> {
  const locale = pageLocale<E>(deps);
  return async (c, next) => {
    setPageSecurityHeaders(c);
    if (deps.config.cookieSecure) c.header('Strict-Transport-Security', 'max-age=31536000');
    const display = resolveDisplay(c, deps.config);
    await runWithDisplay(display, () => locale(c, next));
  };
}

/** The path and query of the request, as the language switcher and `next` links need it. */
export function currentPath(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}

/** Whether the client asked for HTML (a browser) rather than JSON. */
export function wantsHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('text/html') || (accept === '' && c.req.method === 'GET');
}

export type MessagePageProps = Omit<LayoutProps, 'currentPath' | 'children'> & {
  paragraphs: string[];
  links?: { href: string; label: string }[];
};

/** A page that says one thing (not allowed, signed out, form expired) and offers the way on. */
export function renderMessagePage<E extends PageEnv>(
  c: Context<E>,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 429,
  props: MessagePageProps,
): Response | Promise<Response> {
  const { paragraphs, links, ...layout } = props;
  return c.html(
    <Layout {...layout} currentPath={currentPath(c)}>
      {paragraphs.map((p) => (
        <p>{p}</p>
      ))}
      {links?.length ? (
        <ul class="link-list">
          {links.map((l) => (
            <li>
              <a href={l.href}>{l.label}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </Layout>,
    status,
  );
}
