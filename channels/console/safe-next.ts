/** Where to go after signing in when no (acceptable) destination was given. */
export const DEFAULT_AFTER_LOGIN = '/console';

/**
 * A post-login destination restricted to this site: a path starting with a single "/", no scheme,
 * host, backslash or control character, and not the sign-in or sign-out page itself. Anything else
 * (`https://evil.example`, `//evil.example`, `/\evil.example`) falls back to the console home.
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || next.length > 2000) return DEFAULT_AFTER_LOGIN;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next)) {
    return DEFAULT_AFTER_LOGIN;
  }
  let url: URL;
  try {
    url = new URL(next, 'http://same-site.invalid');
  } catch {
    return DEFAULT_AFTER_LOGIN;
  }
  if (url.origin !== 'http://same-site.invalid') return DEFAULT_AFTER_LOGIN;
  if (url.pathname === '/staff/login' || url.pathname === '/staff/logout') return DEFAULT_AFTER_LOGIN;
  return `${url.pathname}${url.search}${url.hash}`;
}
