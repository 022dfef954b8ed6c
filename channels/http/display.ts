/**
 * Display preferences every page honours: text size and contrast. Chosen with `?text=` and
 * `?contrast=` links (so they work without script), remembered in cookies, and available to the
 * layout while a page renders without every handler having to pass them along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../../src/config.ts';

export const TEXT_SIZES = ['standard', 'large'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];
export const CONTRASTS = ['standard', 'high'] as const;
export type Contrast = (typeof CONTRASTS)[number];

export interface DisplayPrefs {
  textSize: TextSize;
  contrast: Contrast;
}

export const DEFAULT_DISPLAY: DisplayPrefs = { textSize: 'standard', contrast: 'standard' };

/** Query parameters and cookies that carry the choices. */
export const TEXT_SIZE_PARAM = 'text';
export const CONTRAST_PARAM = 'contrast';
export const TEXT_SIZE_COOKIE = 'text_size';
export const CONTRAST_COOKIE = 'contrast';
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

const store = new AsyncLocalStorage<DisplayPrefs>();

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return values.find((v) => v === value);
}

/**
 * The display preferences for this request: a choice in the query (remembered now in a cookie),
 * else the remembered one, else the defaults.
 */
export function resolveDisplay(c: Context, config: Pick<Config, 'cookieSecure'>): DisplayPrefs {
  const options = {
    path: '/',
    maxAge: ONE_YEAR_SECONDS,
    sameSite: 'Lax',
    httpOnly: true,
    secure: config.cookieSecure,
  } as const;
  const chosenSize = oneOf(TEXT_SIZES, c.req.query(TEXT_SIZE_PARAM));
  const chosenContrast = oneOf(CONTRASTS, c.req.query(CONTRAST_PARAM));
  if (chosenSize) setCookie(c, TEXT_SIZE_COOKIE, chosenSize, options);
  if (chosenContrast) setCookie(c, CONTRAST_COOKIE, chosenContrast, options);
  return {
    textSize: chosenSize ?? oneOf(TEXT_SIZES, getCookie(c, TEXT_SIZE_COOKIE)) ?? DEFAULT_DISPLAY.textSize,
    contrast: chosenContrast ?? oneOf(CONTRASTS, getCookie(c, CONTRAST_COOKIE)) ?? DEFAULT_DISPLAY.contrast,
  };
}

/** Runs `fn` (the rest of the request) with these preferences visible to `currentDisplay`. */
export function runWithDisplay<T>(prefs: DisplayPrefs, fn: () => T): T {
  return store.run(prefs, fn);
}

/** The preferences of the page being rendered (the defaults outside a page request). */
export function currentDisplay(): DisplayPrefs {
  return store.getStore() ?? DEFAULT_DISPLAY;
}

/** The same URL with one display choice set, for the controls in the page header. */
export function withDisplayChoice(
  pathAndQuery: string,
  param: typeof TEXT_SIZE_PARAM | typeof CONTRAST_PARAM,
  value: string,
): string {
  const url = new URL(pathAndQuery, 'http://localhost');
  url.searchParams.set(param, value);
  return `${url.pathname}${url.search}`;
}

/** Classes for the root element that switch the stylesheet's modes on. */
export function displayClasses(prefs: DisplayPrefs): string | undefined {
  const classes = [
    prefs.textSize === 'large' ? 'text-large' : '',
    prefs.contrast === 'high' ? 'contrast-high' : '',
  ].filter(Boolean);
  return classes.length ? classes.join(' ') : undefined;
}
