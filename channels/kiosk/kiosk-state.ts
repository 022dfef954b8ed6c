/**
 * What a resident sets on the kiosk — language, text size, reading speed — lives only in the URL of
 * the screen they are on. Nothing is stored on the device or the server, so going back to a bare
 * `/kiosk` is a complete reset for the next person.
 */
import type { Context } from 'hono';
import type { Locale } from '../../src/db/schema.ts';
import { isLocale } from '../../src/i18n/i18n.ts';

export const TEXT_SIZES = ['normal', 'large'] as const;
export type KioskTextSize = (typeof TEXT_SIZES)[number];
export const SPEECH_RATES = ['normal', 'slow'] as const;
export type KioskSpeechRate = (typeof SPEECH_RATES)[number];

export interface KioskState {
  lang: Locale;
  size: KioskTextSize;
  rate: KioskSpeechRate;
}

/** The language tag the speech engine is asked for: Mandarin, Cantonese, US English. */
export const SPEECH_LANG: Record<Locale, string> = { 'zh-CN': 'zh-CN', 'zh-HK': 'zh-HK', en: 'en-US' };

function oneOf<T extends string>(values: readonly T[], value: string | undefined, fallback: T): T {
  return values.find((v) => v === value) ?? fallback;
}

/** The state in the request's query, defaults for anything absent or unknown. */
export function stateFrom(c: Context, defaultLocale: Locale): KioskState {
  const lang = c.req.query('lang');
  return {
    lang: isLocale(lang) ? lang : defaultLocale,
    size: oneOf(TEXT_SIZES, c.req.query('size'), 'normal'),
    rate: oneOf(SPEECH_RATES, c.req.query('rate'), 'normal'),
  };
}

/** Whether the state is the one a fresh screen starts with. */
export function isDefaultState(state: KioskState, defaultLocale: Locale): boolean {
  return state.lang === defaultLocale && state.size === 'normal' && state.rate === 'normal';
}

/** A kiosk path carrying the state (only what differs from the defaults, so URLs stay short). */
export function kioskHref(path: string, state: KioskState, defaultLocale: Locale): string {
  const params = new URLSearchParams();
  if (state.lang !== defaultLocale) params.set('lang', state.lang);
  if (state.size !== 'normal') params.set('size', state.size);
  if (state.rate !== 'normal') params.set('rate', state.rate);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}
