import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../../src/app-deps.ts';
import { LOCALES, type Locale } from '../../src/db/schema.ts';
import { isLocale } from '../../src/i18n/i18n.ts';
import type { PageEnv } from './env.ts';

/** The cookie that remembers a language chosen with `?lang=`. */
export const LANG_COOKIE = 'lang';
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * The best supported locale for an Accept-Language header. Traditional-script and Hong Kong, Macau
 * and Taiwan tags map to zh-HK; other Chinese tags to zh-CN.
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.tag && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = matchTag(tag);
    if (locale) return locale;
  }
  return undefined;
}

function matchTag(tag: string): Locale | undefined {
  if (tag === 'en' || tag.startsWith('en-')) return 'en';
  if (tag === 'zh' || tag.startsWith('zh-')) {
    const subtags = tag.split('-').slice(1);
    if (subtags.includes('hant') || subtags.some((s) => s === 'hk' || s === 'mo' || s === 'tw'))
      return 'zh-HK';
    return 'zh-CN';
  }
  const exact = LOCALES.find((l) => l.toLowerCase() === tag);
  return exact;
}

/** The page locale: `?lang=` first, then the remembered choice, then Accept-Language, then the default. */
export function pickLocale(c: Context, fallback: Locale): { locale: Locale; chosen: boolean } {
  const query = c.req.query('lang');
  if (isLocale(query)) return { locale: query, chosen: true };
  const cookie = getCookie(c, LANG_COOKIE);
  if (isLocale(cookie)) return { locale: cookie, chosen: false };
  return { locale: localeFromAcceptLanguage(c.req.header('accept-language')) ?? fallback, chosen: false };
}

/**
 * Sets `locale` and `t` for the page and remembers a language chosen with `?lang=` in a cookie, so
 * the choice survives following links and submitting forms.
 */
export function pageLocale<E extends PageEnv = PageEnv>(
  deps: Pick<AppDeps, 'config' | 'i18n'>,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const { locale, chosen } = pickLocale(c, deps.config.defaultLocale);
    // Generic E hides that these keys exist; PageEnv guarantees them.
    const page = c as unknown as Context<PageEnv>;
    page.set('locale', locale);
    page.set('t', deps.i18n.forLocale(locale));
    if (chosen) {
      setCookie(c, LANG_COOKIE, locale, {
        path: '/',
        maxAge: ONE_YEAR_SECONDS,
        sameSite: 'Lax',
        httpOnly: true,
        secure: deps.config.cookieSecure,
      });
    }
    await next();
  };
}

/** The same URL with `lang` set, for the language switcher. */
export function withLang(pathAndQuery: string, locale: Locale): string {
  const url = new URL(pathAndQuery, 'http://localhost');
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}`;
}
