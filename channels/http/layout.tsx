import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import { LOCALES, type Locale } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { CSRF_FIELD } from './csrf.ts';
import {
  CONTRAST_PARAM,
  CONTRASTS,
  currentDisplay,
  displayClasses,
  TEXT_SIZE_PARAM,
  TEXT_SIZES,
  withDisplayChoice,
} from './display.ts';
import { withLang } from './locale.ts';
import { SITE_CSS_HREF } from './site-css.ts';

export interface NavLink {
  href: string;
  label: string;
}

export interface LayoutProps {
  t: Translate;
  locale: Locale;
  /** Path and query of this page, so the language switcher returns to it. */
  currentPath: string;
  /** Page name, used for both the `<title>` and the page's one `<h1>`. */
  title: string;
  /** When the page shows validation errors: the title then starts with "Error:". */
  hasErrors?: boolean;
  /** Where the site name in the header leads. */
  homeHref?: string;
  /** Sections of the site this person may visit. */
  nav?: NavLink[];
  /** The signed-in staff member, with the token their sign-out form needs. */
  signedIn?: { displayName: string; csrfToken: string };
  /** An ErrorSummary, shown first in the main content, above the heading. */
  errorSummary?: Child;
  /** The help line quoted in the footer. */
  helpPhone?: string;
  /** The footer's first line; the staff services line when absent. */
  footerText?: string;
  children?: Child;
}

/**
 * The HTML shell every page shares: language, title, skip link, landmarks, one h1, the language,
 * text-size and contrast controls (plain links, so they work without script) and the footer with the
 * accessibility statement and privacy notice. No inline script or style, so a strict
 * Content-Security-Policy holds.
 */
export const Layout: FC<LayoutProps> = (props) => {
  const { t, locale, currentPath, title } = props;
  const appName = t('common:appName');
  const fullTitle = `${props.hasErrors || props.errorSummary ? t('web:errorTitlePrefix') : ''}${title} – ${appName}`;
  const pathOnly = new URL(currentPath, 'http://localhost').pathname;
  const display = currentDisplay();
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={locale} class={displayClasses(display)}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{fullTitle}</title>
          <link rel="stylesheet" href={SITE_CSS_HREF} />
        </head>
        <body>
          <a class="skip-link" href="#main">
            {t('web:skipLink')}
          </a>
          <header class="site-header">
            <div class="header-bar">
              <a class="site-name" href={props.homeHref ?? '/'}>
                {appName}
              </a>
              <nav class="lang-switcher" aria-label={t('web:languageSwitcher.label')}>
                <ul>
                  {LOCALES.map((l) => (
                    <li>
                      <a
                        href={withLang(currentPath, l)}
                        lang={l}
                        hreflang={l}
                        aria-current={l === locale ? 'true' : undefined}
                      >
                        {t(`web:languageSwitcher.names.${l}`)}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              <nav class="display-controls" aria-label={t('web:display.label')}>
                <div class="display-group">
                  <span class="control-name" id="display-text-size">
                    {t('web:display.textSize')}
                  </span>
                  <ul aria-labelledby="display-text-size">
                    {TEXT_SIZES.map((size) => (
                      <li>
                        <a
                          href={withDisplayChoice(currentPath, TEXT_SIZE_PARAM, size)}
                          aria-current={size === display.textSize ? 'true' : undefined}
                        >
                          {t(`web:display.textSizeName.${size}`)}
                          <span class="visually-hidden">{t('web:display.textSizeSuffix')}</span>
                        </a>
                      </li>
                    ))}
                  </ul>
                </div>
                <div class="display-group">
                  <span class="control-name" id="display-contrast">
                    {t('web:display.contrast')}
                  </span>
                  <ul aria-labelledby="display-contrast">
                    {CONTRASTS.map((contrast) => (
                      <li>
                        <a
                          href={withDisplayChoice(currentPath, CONTRAST_PARAM, contrast)}
                          aria-current={contrast === display.contrast ? 'true' : undefined}
                        >
                          {t(`web:display.contrastName.${contrast}`)}
                          <span class="visually-hidden">{t('web:display.contrastSuffix')}</span>
                        </a>
                      </li>
                    ))}
                  </ul>
                </div>
              </nav>
              {props.signedIn ? (
                <div class="signed-in">
                  <span>{t('web:signedInAs', { name: props.signedIn.displayName })}</span>
                  <form method="post" action="/staff/logout">
                    <input type="hidden" name={CSRF_FIELD} value={props.signedIn.csrfToken} />
                    <button type="submit" class="secondary">
                      {t('web:signOut')}
                    </button>
                  </form>
                </div>
              ) : null}
            </div>
          </header>
          {props.nav?.length ? (
            <nav class="primary-nav" aria-label={t('web:primaryNav')}>
              <ul>
                {props.nav.map((link) => (
                  <li>
                    <a href={link.href} aria-current={link.href === pathOnly ? 'page' : undefined}>
                      {link.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <main id="main" tabindex={-1}>
            {props.errorSummary}
            <h1>{title}</h1>
            {props.children}
          </main>
          <footer class="site-footer">
            <div>
              <p>{props.footerText ?? t('web:footer.text', { appName })}</p>
              {props.helpPhone ? <p>{t('web:footer.help', { phone: props.helpPhone })}</p> : null}
              <ul class="footer-links">
                <li>
                  <a href="/accessibility">{t('web:footer.accessibility')}</a>
                </li>
                <li>
                  <a href="/privacy">{t('web:footer.privacy')}</a>
                </li>
              </ul>
            </div>
          </footer>
        </body>
      </html>
    </>
  );
};
