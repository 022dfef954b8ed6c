import type { Context } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Locale } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { PageEnv } from '../http/env.ts';
import { ErrorSummary, type FieldError } from '../http/error-summary.tsx';
import { Layout, type NavLink } from '../http/layout.tsx';
import { currentPath } from '../http/pages.tsx';

/** What every website page needs from the request. */
export interface PageBase {
  t: Translate;
  locale: Locale;
  currentPath: string;
  helpPhone: string;
}

const memoized = new WeakMap<Translate, Translate>();

/**
 * The same translator, remembering strings that take no parameters: a page asks for dozens of fixed
 * labels, and the translation files do not change while the process runs.
 */
export function rememberingTranslate(t: Translate): Translate {
  const known = memoized.get(t);
  if (known) return known;
  const fixed = new Map<string, string>();
  const remembering: Translate = (key, params) => {
    if (params && Object.keys(params).length > 0) return t(key, params);
    let text = fixed.get(key);
    if (text === undefined) {
      text = t(key);
      fixed.set(key, text);
    }
    return text;
  };
  memoized.set(t, remembering);
  return remembering;
}

export function pageBase(deps: Pick<AppDeps, 'config'>, c: Context<PageEnv>): PageBase {
  return {
    t: rememberingTranslate(c.get('t')),
    locale: c.get('locale'),
    currentPath: currentPath(c),
    helpPhone: deps.config.helpPhone,
  };
}

/** The website's main sections. */
export function siteNav(t: Translate): NavLink[] {
  return [
    { href: '/', label: t('site:nav.home') },
    { href: '/topics', label: t('site:nav.topics') },
    { href: '/report', label: t('site:nav.report') },
    { href: '/visit', label: t('site:nav.visit') },
  ];
}

/** A website page: the shared layout with the site's menu and footer, and an error summary if any. */
export const WebPage: FC<{ base: PageBase; title: string; errors?: FieldError[]; children?: Child }> = ({
  base,
  title,
  errors,
  children,
}) => {
  const { t } = base;
  return (
    <Layout
      t={t}
      locale={base.locale}
      currentPath={base.currentPath}
      title={title}
      helpPhone={base.helpPhone}
      nav={siteNav(t)}
      footerText={t('site:footer', { appName: t('common:appName') })}
      errorSummary={errors?.length ? <ErrorSummary t={t} errors={errors} /> : undefined}
    >
      {children}
    </Layout>
  );
};
