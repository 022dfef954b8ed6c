/**
 * What the deliberation console pages share: the signed-in layout, reading forms, showing text in the
 * reader's language, dates in the hall's time zone, confirmation banners after a redirect, and refusals
 * shown as a page with a way back; and, passed on from form-kit.tsx, the console's form fields.
 */
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppDeps } from '../../src/app-deps.ts';
import { HTTP_STATUS, ServiceError } from '../../src/core/errors.ts';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import { DELIBERATION_MANAGER_ROLES } from '../../src/deliberation/deliberation-roles.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { StaffEnv } from '../http/env.ts';
import { type FieldError, fieldErrorsFrom } from '../http/error-summary.tsx';
import { Layout } from '../http/layout.tsx';
import { currentStaff, hasAnyRole } from '../http/staff-auth.ts';
import { consoleLayout, type PageLayout } from './lists-layout.tsx';

export * from './form-kit.tsx';
export type { PageLayout };

/** Layout props for a signed-in console page: the same frame as every other console page. */
export const deliberationLayout = consoleLayout;

/** Whether the signed-in person may change things (not only read). */
export function mayManage(c: Context<StaffEnv>): boolean {
  return hasAnyRole(currentStaff(c).staff.roles, DELIBERATION_MANAGER_ROLES);
}

export type FormBody = Record<string, string | File | (string | File)[]>;

export async function readForm(c: Context<StaffEnv>): Promise<FormBody> {
  return (await c.req.parseBody({ all: true })) as FormBody;
}

/** One text value (the first, if a name was sent twice). */
export function one(body: FormBody, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every text value sent under a name (checkboxes). */
export function many(body: FormBody, name: string): string[] {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/** Text in the reader's language, else Simplified Chinese, with the language it is actually in. */
export function inLocale(
  text: LocalizedText | null | undefined,
  locale: Locale,
): { text: string; lang: Locale } {
  if (!text) return { text: '', lang: locale };
  const order: Locale[] = [locale, 'zh-CN', 'zh-HK', 'en'];
  for (const l of order) {
    const value = text[l];
    if (value) return { text: value, lang: l };
  }
  return { text: '', lang: locale };
}

/** Localized text as an element marked with its language when it differs from the page's. */
export const Localized: FC<{ text: LocalizedText | null | undefined; locale: Locale }> = ({
  text,
  locale,
}) => {
  const shown = inLocale(text, locale);
  return <span lang={shown.lang === locale ? undefined : shown.lang}>{shown.text}</span>;
};

export interface Formatters {
  /** A calendar date (YYYY-MM-DD) as people read it. */
  date(iso: string): string;
  /** An instant as date and time in the hall's time zone. */
  dateTime(d: Date): string;
  percent(share: number | null): string;
  number(n: number): string;
}

export function formatters(locale: Locale, timeZone: string): Formatters {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return {
    date: (iso) => date.format(new Date(`${iso}T00:00:00Z`)),
    dateTime: (d) => dateTime.format(d),
    percent: (share) => (share === null ? '–' : percent.format(share)),
    number: (n) => number.format(n),
  };
}

/** A confirmation carried across a redirect as `?done=<key>`; only known keys are shown. */
export const DoneBanner: FC<{
  t: Translate;
  done: string | undefined;
  known: readonly string[];
  params?: Record<string, string>;
}> = ({ t, done, known, params }) =>
  done && known.includes(done) ? (
    <div class="banner-ok" role="status">
      <p>{t(`deliberation:done.${done}`, params ?? {})}</p>
    </div>
  ) : null;

const REFUSABLE = ['not_found', 'forbidden', 'conflict', 'illegal_transition'] as const;

/**
 * Runs an action; a refusal that is not about a form field (already done, not allowed now, someone
 * else changed it) becomes a page saying so in the reader's language, with the way back.
 */
export async function orRefusal(
  deps: AppDeps,
  c: Context<StaffEnv>,
  back: { href: string; label: string },
  action: () => Promise<Response>,
): Promise<Response> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ServiceError) || !(REFUSABLE as readonly string[]).includes(error.code))
      throw error;
    const t = c.get('t');
    return c.html(
      <Layout {...deliberationLayout(deps, c)} title={t('deliberation:refused.title')}>
        <div class="banner-warning" role="alert">
          <p>{t(error.messageKey, error.params)}</p>
        </div>
        <p>
          <a href={back.href}>{back.label}</a>
        </p>
      </Layout>,
      HTTP_STATUS[error.code] as 403 | 404 | 409,
    );
  }
}

/**
 * Runs a form's verb and sends the browser on to the page `run` names (POST-redirect-GET). Input the
 * verb refuses goes to `refused`, which shows the form again with the problems; any other failure is
 * left to the caller.
 */
export async function afterForm(
  c: Context<StaffEnv>,
  run: () => Promise<string>,
  refused: (error: ServiceError) => Response | Promise<Response>,
): Promise<Response> {
  let next: string;
  try {
    next = await run();
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== 'validation_failed') throw error;
    return refused(error);
  }
  return c.redirect(next, 303);
}

/** Field problems in the reader's language, in the order the form asks its questions. */
export function formErrors(
  error: ServiceError,
  t: Translate,
  fields: readonly string[],
  fallbackField: string,
): FieldError[] {
  const position = (field: string) => {
    const index = fields.indexOf(field);
    return index < 0 ? fields.length : index;
  };
  return fieldErrorsFrom(error, t, fields, fallbackField).sort(
    (a, b) => position(a.field) - position(b.field),
  );
}
