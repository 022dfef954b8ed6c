/**
 * Per-request helpers for the public website: the core context for a resident acting through the
 * website, localized names and dates.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import type { PageEnv } from '../http/env.ts';

/** The core context for a resident using the website, optionally known by a verified phone. */
export function residentCtx(deps: AppDeps, c: Context<PageEnv>, residentId?: string): Ctx {
  return {
    actor: residentId ? { type: 'resident', via: 'web', residentId } : { type: 'resident', via: 'web' },
    db: deps.database.db,
    clock: deps.clock,
    log: deps.log.child({ requestId: c.get('requestId') }),
    pii: deps.pii,
  };
}

/** Text in the reader's language, falling back to Simplified Chinese, then to whatever there is. */
export function localized(text: LocalizedText | null | undefined, locale: Locale): string {
  if (!text) return '';
  return text[locale] ?? text['zh-CN'] ?? Object.values(text).find(Boolean) ?? '';
}

export interface DateFormat {
  /** A calendar day ('2026-11-27' or an instant) in the installation's time zone. */
  day(value: Date | string): string;
  /** `YYYY-MM-DD` for a `<time datetime>` attribute. */
  iso(value: Date | string): string;
}

const formats = new Map<string, DateFormat>();

/** Date formatting in the reader's language and the installation's time zone (built once per pair). */
export function dateFormat(locale: Locale, timeZone: string): DateFormat {
  const key = `${locale}|${timeZone}`;
  const known = formats.get(key);
  if (known) return known;
  const instant = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone });
  const calendarDay = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const isoDay = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone,
  });
  const format: DateFormat = {
    // A date column is a calendar day already: read it at UTC midnight so no zone shifts it.
    day: (value) =>
      typeof value === 'string' ? calendarDay.format(new Date(`${value}T00:00:00Z`)) : instant.format(value),
    iso: (value) => (typeof value === 'string' ? value : isoDay.format(value)),
  };
  formats.set(key, format);
  return format;
}
