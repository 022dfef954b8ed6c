import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { KioskDevice } from '../../src/kiosk/kiosk-device.ts';
import { type KioskState, kioskHref, SPEECH_LANG } from './kiosk-state.ts';

export const KIOSK_CSS_PATH = '/kiosk/assets/kiosk.css';
export const KIOSK_JS_PATH = '/kiosk/assets/kiosk.js';
/** The script shared with the proxy console, served under /kiosk so the service worker keeps a copy. */
export const KIOSK_KIT_PATH = '/kiosk/assets/screen-kit.js';
export const KIOSK_SW_PATH = '/kiosk/sw.js';
export const KIOSK_API_PATH = '/kiosk/api/intakes';

/** Speech rate for each reading-speed setting; "slow" is for people who find default speech too fast. */
const RATE_VALUE = { normal: '1', slow: '0.7' } as const;

/** Everything a kiosk screen needs to render, fixed for one request. */
export interface KioskView {
  t: Translate;
  state: KioskState;
  defaultLocale: Locale;
  device: KioskDevice;
  csrfToken: string;
  helpPhone: string;
  idleSeconds: number;
  countdownSeconds: number;
}

/** A kiosk path that keeps the resident's language, text size and reading speed. */
export function hrefIn(
  view: Pick<KioskView, 'state' | 'defaultLocale'>,
  path: string,
  change: Partial<KioskState> = {},
) {
  return kioskHref(path, { ...view.state, ...change }, view.defaultLocale);
}

/** Text in the screen's language, else Simplified Chinese, else whatever there is; with its language. */
export function localized(text: LocalizedText, locale: Locale): { text: string; lang: Locale } {
  const own = text[locale];
  if (own) return { text: own, lang: locale };
  for (const fallback of ['zh-CN', 'zh-HK', 'en'] as const) {
    const value = text[fallback];
    if (value) return { text: value, lang: fallback };
  }
  return { text: '', lang: locale };
}

export interface KioskLayoutProps {
  /** Absent on the screens a device sees before it is registered. */
  view?: KioskView;
  t: Translate;
  locale: Locale;
  size?: KioskState['size'];
  title: string;
  hasErrors?: boolean;
  errorSummary?: Child;
  /** The first, untouched screen: nothing to clear there, so it never asks "still there?". */
  pristine?: boolean;
  /** Where the fixed "back" control leads; none on the start screen. */
  backHref?: string;
  /** Whether to show the fixed "I am done" control, which clears everything for the next person. */
  showFinish?: boolean;
  children?: Child;
}

/**
 * The shell of every kiosk screen: fixed corner controls (back, start again, read aloud), one h1,
 * the offline-queue status line, the "still there?" dialog and the footer. No inline script or
 * style: the strict Content-Security-Policy holds.
 */
export const KioskLayout: FC<KioskLayoutProps> = (props) => {
  const { t, locale, view, title } = props;
  const station = t('kiosk:titleSuffix');
  const fullTitle = `${props.hasErrors ? t('kiosk:errors.titlePrefix') : ''}${title} – ${station}`;
  const location = view ? localized(view.device.location, locale) : undefined;
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={locale} class={props.size === 'large' ? 'size-large' : undefined}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{fullTitle}</title>
          <link rel="stylesheet" href={KIOSK_CSS_PATH} />
          {view ? <script src={KIOSK_KIT_PATH} defer /> : null}
          {view ? <script src={KIOSK_JS_PATH} defer /> : null}
        </head>
        <body
          data-kiosk={view ? 'on' : undefined}
          data-csrf={view?.csrfToken}
          data-speech-lang={SPEECH_LANG[locale]}
          data-speech-rate={view ? RATE_VALUE[view.state.rate] : undefined}
          data-idle-seconds={view?.idleSeconds}
          data-countdown-seconds={view?.countdownSeconds}
          data-home="/kiosk"
          data-api={KIOSK_API_PATH}
          data-sw={KIOSK_SW_PATH}
          data-pristine={props.pristine ? '1' : undefined}
          data-title-prefix={t('kiosk:errors.titlePrefix')}
        >
          {view ? (
            <nav class="k-bar" aria-label={t('kiosk:bar.controls')}>
              <div class="k-bar-start">
                {props.backHref ? (
                  <a class="k-control" href={props.backHref}>
                    <span aria-hidden="true">‹ </span>
                    {t('kiosk:bar.back')}
                  </a>
                ) : null}
                {props.showFinish ? (
                  <a class="k-control" href="/kiosk" data-reset="1">
                    {t('kiosk:bar.finish')}
                  </a>
                ) : null}
              </div>
              <button
                type="button"
                id="kiosk-read"
                class="k-control k-read"
                hidden
                data-read={t('kiosk:bar.readAloud')}
                data-stop={t('kiosk:bar.stopReading')}
              >
                {t('kiosk:bar.readAloud')}
              </button>
            </nav>
          ) : null}
          <main id="main" tabindex={-1}>
            {props.errorSummary}
            <h1 id="kiosk-title" tabindex={-1}>
              {title}
            </h1>
            {props.children}
            {view ? (
              <div
                id="kiosk-queue"
                class="k-queue"
                role="status"
                data-count="0"
                data-one={t('kiosk:queue.waitingOne', { n: '#' })}
                data-many={t('kiosk:queue.waitingMany', { n: '#' })}
                data-offline={t('kiosk:queue.offline')}
              />
            ) : null}
          </main>
          <footer class="k-footer">
            {location?.text ? (
              <p>
                {t('kiosk:footer.location', { location: '' })}
                <span lang={location.lang}>{location.text}</span>
              </p>
            ) : null}
            {view ? <p>{t('kiosk:footer.anonymous')}</p> : null}
            {view ? <p>{t('kiosk:footer.help', { helpPhone: view.helpPhone })}</p> : null}
          </footer>
          {view ? (
            <dialog
              id="kiosk-idle"
              class="k-dialog"
              aria-labelledby="kiosk-idle-title"
              aria-describedby="kiosk-idle-body"
            >
              <h2 id="kiosk-idle-title">{t('kiosk:idle.title')}</h2>
              <p id="kiosk-idle-body">{t('kiosk:idle.body')}</p>
              <p class="k-countdown">
                <span id="kiosk-countdown" role="timer">
                  {view.countdownSeconds}
                </span>{' '}
                <span>{t('kiosk:idle.seconds')}</span>
              </p>
              <div class="k-actions">
                <button type="button" id="kiosk-more" class="k-button k-primary k-huge">
                  {t('kiosk:idle.more')}
                </button>
                <a id="kiosk-leave" class="k-button k-secondary" href="/kiosk" data-reset="1">
                  {t('kiosk:idle.leave')}
                </a>
              </div>
            </dialog>
          ) : null}
        </body>
      </html>
    </>
  );
};
