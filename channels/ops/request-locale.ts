import type { Context } from 'hono';
import type { Locale } from '../../src/db/schema.ts';
import { isLocale } from '../../src/i18n/i18n.ts';
import { localeFromAcceptLanguage } from '../http/locale.ts';

/**
 * The locale to answer a request in: the one a channel already chose (`c.var.locale`), else
 * `?lang=`, else Accept-Language, else the installation default.
 */
export function requestLocale(c: Context, fallback: Locale): Locale {
  const chosen = (c.var as Record<string, unknown>).locale;
  if (isLocale(chosen)) return chosen;
  const query = c.req.query('lang');
  if (isLocale(query)) return query;
  return localeFromAcceptLanguage(c.req.header('accept-language')) ?? fallback;
}
