/**
 * Pieces shared by the lists, KPI and balance pages: the signed-in layout, dates, shares, text in
 * the reader's language, form values and the success banner that follows a POST-redirect-GET.
 */
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { csrfTokenFor } from '../http/csrf.ts';
import type { StaffEnv } from '../http/env.ts';
import type { LayoutProps } from '../http/layout.tsx';
import { currentPath } from '../http/pages.tsx';
import { currentStaff } from '../http/staff-auth.ts';

export { DataTable, headings } from '../http/data-table.tsx';

import { consoleSections } from './console-roles.ts';

export type PageLayout = Omit<LayoutProps, 'children' | 'title'>;

/** Layout props of a signed-in console page. */
export function consoleLayout(deps: AppDeps, c: Context<StaffEnv>): PageLayout {
  const t = c.get('t');
  const { staff, session } = currentStaff(c);
  return {
    t,
    locale: c.get('locale'),
    currentPath: currentPath(c),
    homeHref: '/console',
    helpPhone: deps.config.helpPhone,
    nav: consoleSections(t, staff.roles),
    signedIn: { displayName: staff.displayName, csrfToken: csrfTokenFor(session.csrfSecret) },
  };
}

/** Text in the reader's language when there is one, else the first there is, with its language. */
export function localized(text: LocalizedText, locale: Locale): { text: string; lang: Locale } {
  const own = text[locale];
  if (own) return { text: own, lang: locale };
  for (const fallback of ['zh-CN', 'zh-HK', 'en'] as const) {
    const value = text[fallback];
    if (value) return { text: value, lang: fallback };
  }
  return { text: '', lang: locale };
}

/** A calendar day ('YYYY-MM-DD') as the reader writes dates. */
export function formatDay(isoDate: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

/** A share (0–1) as a percentage with at most one decimal. */
export function formatShare(value: number | null, locale: Locale, t: Translate): string {
  if (value === null) return t('lists:common.noData');
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

/** A day, marked up for machines and people. */
export const Day: FC<{ iso: string; locale: Locale }> = ({ iso, locale }) => (
  <time datetime={iso}>{formatDay(iso, locale)}</time>
);

/** A form field's value as a string ('' when absent or a file). */
export function formString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : '';
  return typeof value === 'string' ? value : '';
}

/** Every value of a repeated form field (checkboxes). */
export function formStrings(body: Record<string, unknown>, name: string): string[] {
  const value = body[name] ?? body[`${name}[]`];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** What a POST-redirect-GET may report back with `?done=<key>` (texts under `lists:done.*`). */
export const DONE_KEYS = [
  'itemAdded',
  'itemExisted',
  'progressReported',
  'itemCompleted',
  'topicEvaluating',
  'implementationStarted',
  'escalationAcknowledged',
  'groupsSaved',
  'campaignStarted',
  'campaignExisted',
  'visitsAdded',
] as const;

/** The banner's key and counts from the query; anything unexpected shows nothing. */
export function doneFrom(c: Context): { done?: string; params: Record<string, string> } {
  const done = c.req.query('done');
  if (!done || !(DONE_KEYS as readonly string[]).includes(done)) return { params: {} };
  const params: Record<string, string> = {};
  const n = c.req.query('n');
  if (n && /^\d{1,6}$/.test(n)) params.number = n;
  const code = c.req.query('code');
  if (code && /^[A-Z]\d{1,9}$/.test(code)) params.code = code;
  return { done, params };
}

/** The success banner after a POST-redirect-GET, announced without moving focus. */
export const DoneBanner: FC<{ t: Translate; done?: string | undefined; params?: Record<string, string> }> = ({
  t,
  done,
  params,
}) => {
  if (!done) return null;
  return (
    <div class="banner-ok" role="status">
      <p>{t(`lists:done.${done}`, { number: '0', code: '', ...params })}</p>
    </div>
  );
};

/** The site's standard link back, as a plain link at the top of a sub-page. */
export const BackLink: FC<{ href: string; label: string }> = ({ href, label }) => (
  <p>
    <a href={href}>{label}</a>
  </p>
);
