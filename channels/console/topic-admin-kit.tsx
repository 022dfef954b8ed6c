/**
 * What the deliberation console pages share: the signed-in layout, reading forms, showing text in the
 * reader's language, dates in the hall's time zone, GOV.UK-style fields the web channel lacks
 * (checkboxes, date, time, URL), confirmation banners after a redirect, and refusals shown as a page
 * with a way back.
 */
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppDeps } from '../../src/app-deps.ts';
import { HTTP_STATUS, ServiceError } from '../../src/core/errors.ts';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import { DELIBERATION_MANAGER_ROLES } from '../../src/deliberation/deliberation-roles.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { csrfTokenFor } from '../http/csrf.ts';
import type { StaffEnv } from '../http/env.ts';
import { errorFor, type FieldError, fieldErrorId, fieldErrorsFrom, fieldId } from '../http/error-summary.tsx';
import { Layout, type LayoutProps } from '../http/layout.tsx';
import { currentPath } from '../http/pages.tsx';
import { currentStaff, hasAnyRole } from '../http/staff-auth.ts';
import { consoleSections } from './console-roles.ts';

export type PageLayout = Omit<LayoutProps, 'children' | 'title'>;

/** Layout props for a signed-in console page. */
export function deliberationLayout(deps: AppDeps, c: Context<StaffEnv>): PageLayout {
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

const Hint: FC<{ id: string; hint?: string | undefined }> = ({ id, hint }) =>
  hint ? (
    <span class="hint" id={`${id}-hint`}>
      {hint}
    </span>
  ) : null;

const FieldErrorText: FC<{ t: Translate; name: string; error?: string | undefined }> = ({
  t,
  name,
  error,
}) =>
  error ? (
    <span class="field-error" id={fieldErrorId(name)}>
      <span class="visually-hidden">{t('web:fieldErrorPrefix')}</span>
      {error}
    </span>
  ) : null;

function describedBy(name: string, hint: unknown, error: unknown): string | undefined {
  const id = fieldId(name);
  return [hint ? `${id}-hint` : '', error ? fieldErrorId(name) : ''].filter(Boolean).join(' ') || undefined;
}

/** The frame every labelled control shares: label, hint and error message, marked invalid on error. */
const LabelledField: FC<{
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children?: unknown;
}> = (props) => (
  <div class={props.error ? 'field field-invalid' : 'field'}>
    <label for={fieldId(props.name)}>{props.label}</label>
    <Hint id={fieldId(props.name)} hint={props.hint} />
    <FieldErrorText t={props.t} name={props.name} error={props.error} />
    {props.children}
  </div>
);

/** A labelled input of any HTML type, GOV.UK style. */
export const Input: FC<{
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  value?: string | undefined;
  type?: 'text' | 'date' | 'time' | 'url' | 'tel';
  width?: 'short' | 'full';
  inputmode?: 'numeric' | 'decimal' | 'url' | 'tel';
  lang?: string;
}> = (props) => (
  <LabelledField {...props}>
    <input
      id={fieldId(props.name)}
      name={props.name}
      type={props.type ?? 'text'}
      value={props.value ?? ''}
      lang={props.lang}
      inputmode={props.inputmode}
      class={props.width === 'short' ? 'input-short' : undefined}
      aria-describedby={describedBy(props.name, props.hint, props.error)}
      aria-invalid={props.error ? 'true' : undefined}
    />
  </LabelledField>
);

/** A multi-line answer. */
export const TextArea: FC<{
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  value?: string | undefined;
  rows?: number;
  lang?: string;
}> = (props) => (
  <LabelledField {...props}>
    <textarea
      id={fieldId(props.name)}
      name={props.name}
      rows={props.rows ?? 5}
      lang={props.lang}
      aria-describedby={describedBy(props.name, props.hint, props.error)}
      aria-invalid={props.error ? 'true' : undefined}
    >
      {props.value ?? ''}
    </textarea>
  </LabelledField>
);

export interface Choice {
  value: string;
  label: string;
  hint?: string | undefined;
}

/** Checkboxes or radios in a fieldset whose legend asks the question. */
export const Choices: FC<{
  t: Translate;
  name: string;
  legend: string;
  hint?: string | undefined;
  error?: string | undefined;
  options: Choice[];
  checked: readonly string[];
  type: 'checkbox' | 'radio';
}> = (props) => (
  <div class={props.error ? 'field field-invalid' : 'field'}>
    <fieldset aria-describedby={describedBy(props.name, props.hint, props.error)}>
      <legend>{props.legend}</legend>
      <Hint id={fieldId(props.name)} hint={props.hint} />
      <FieldErrorText t={props.t} name={props.name} error={props.error} />
      <div class="radios">
        {props.options.map((option, index) => {
          const id = index === 0 ? fieldId(props.name) : `${fieldId(props.name)}-${index + 1}`;
          return (
            <div class="radio">
              <input
                type={props.type}
                id={id}
                name={props.name}
                value={option.value}
                checked={props.checked.includes(option.value)}
                aria-describedby={option.hint ? `${id}-hint` : undefined}
              />
              <div>
                <label for={id}>{option.label}</label>
                {option.hint ? (
                  <span class="hint" id={`${id}-hint`}>
                    {option.hint}
                  </span>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
    </fieldset>
  </div>
);

/**
 * One text in the three languages, each its own field (`<name>.zh-CN` …) marked with its language:
 * Simplified Chinese first, with the hint; the summary boxes of the other two are shorter.
 */
export const ThreeLanguageFields: FC<{
  t: Translate;
  name: string;
  multiline?: boolean;
  labels: Record<'zh-CN' | 'zh-HK' | 'en', string>;
  hint: string;
  errors: readonly FieldError[];
  value: Record<'zh-CN' | 'zh-HK' | 'en', string>;
}> = (props) => (
  <>
    {(['zh-CN', 'zh-HK', 'en'] as const).map((lang) => {
      const field = {
        t: props.t,
        name: `${props.name}.${lang}`,
        label: props.labels[lang],
        hint: lang === 'zh-CN' ? props.hint : undefined,
        error: errorFor(props.errors, `${props.name}.${lang}`),
        value: props.value[lang],
        lang,
      };
      if (!props.multiline) return <Input {...field} />;
      return lang === 'zh-CN' ? <TextArea {...field} /> : <TextArea {...field} rows={3} />;
    })}
  </>
);

/** A drop-down list with a label (and error, when the choice was refused). */
export const Select: FC<{
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  value?: string | undefined;
  options: Choice[];
}> = (props) => (
  <LabelledField {...props}>
    <select
      id={fieldId(props.name)}
      name={props.name}
      aria-describedby={describedBy(props.name, props.hint, props.error)}
      aria-invalid={props.error ? 'true' : undefined}
    >
      {props.options.map((o) => (
        <option value={o.value} selected={o.value === (props.value ?? '')}>
          {o.label}
        </option>
      ))}
    </select>
  </LabelledField>
);

/** A one-button form posting to `action` (with the CSRF token). */
export const ActionButton: FC<{
  action: string;
  csrf: string;
  label: string;
  secondary?: boolean;
  ariaLabel?: string;
}> = (props) => (
  <form method="post" action={props.action}>
    <input type="hidden" name="_csrf" value={props.csrf} />
    <button type="submit" class={props.secondary ? 'secondary' : undefined} aria-label={props.ariaLabel}>
      {props.label}
    </button>
  </form>
);

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
