/**
 * The frame of every proxy-console page: the shared layout (language, text size, contrast, skip link,
 * landmarks, one h1) with the console's own stylesheet and script, both served as files.
 */
import type { Child, FC } from 'hono/jsx';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { ErrorSummary, type FieldError } from '../http/error-summary.tsx';
import { Layout, type LayoutProps } from '../http/layout.tsx';
import { PROXY_CSS_HREF, PROXY_JS_HREF, PROXY_KIT_HREF } from './proxy-assets.ts';

export type ProxyLayoutBase = Omit<LayoutProps, 'children' | 'title' | 'errorSummary' | 'hasErrors'>;

/** Speech-synthesis language tags: Cantonese for zh-HK, as the resident hears it. */
export const SPEECH_LANG: Record<Locale, string> = { 'zh-CN': 'zh-CN', 'zh-HK': 'zh-HK', en: 'en-US' };

export const ProxyPage: FC<{
  base: ProxyLayoutBase;
  title: string;
  errors?: readonly FieldError[];
  /** What the console's script needs (CSRF token, API path, resident's language…), as data attributes. */
  config?: Record<string, string>;
  children?: Child;
}> = (props) => {
  const { base } = props;
  const errors = props.errors ?? [];
  const data = Object.fromEntries(Object.entries(props.config ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <Layout
      {...base}
      title={props.title}
      hasErrors={errors.length > 0}
      errorSummary={errors.length ? <ErrorSummary t={base.t} errors={errors} /> : undefined}
    >
      <link rel="stylesheet" href={PROXY_CSS_HREF} />
      <div id="proxy-config" hidden {...data} />
      {props.children}
      <script src={PROXY_KIT_HREF} defer />
      <script src={PROXY_JS_HREF} defer />
    </Layout>
  );
};

/** Text in the reader's language, falling back to Simplified Chinese, then to whatever there is. */
export function inLocale(text: LocalizedText | null | undefined, locale: Locale): string {
  if (!text) return '';
  return text[locale] ?? text['zh-CN'] ?? Object.values(text).find(Boolean) ?? '';
}

/** Date and time in the reader's language and the hall's time zone. */
export function timeFormat(locale: Locale, timeZone: string) {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone });
  return { dateTime: (d: Date) => dateTime.format(d), time: (d: Date) => time.format(d) };
}

/** A percentage for people: 0.456 → "46%". */
export function percent(share: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

export type { Translate };
