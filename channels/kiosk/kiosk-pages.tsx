import type { FC } from 'hono/jsx';
import {
  LOCALES,
  type Locale,
  type LocalizedText,
  STANCES,
  type Stance,
  type TopicStatus,
} from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { hrefIn, KioskLayout, type KioskView, localized } from './kiosk-layout.tsx';
import { isDefaultState, SPEECH_RATES, TEXT_SIZES } from './kiosk-state.ts';
import { TEXT_MAX, WHERE_MAX } from './kiosk-submissions.ts';

/** One problem with one field, in the reader's language. */
export interface KioskFormError {
  field: string;
  message: string;
}

export function fieldId(field: string): string {
  return `field-${field}`;
}

function errorOf(errors: readonly KioskFormError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}

/** GOV.UK-style summary: announced on load, focused, each problem a link to its field. */
const ErrorSummary: FC<{ t: Translate; errors: readonly KioskFormError[] }> = ({ t, errors }) =>
  errors.length === 0 ? null : (
    <div class="k-error-summary" role="alert" aria-labelledby="k-error-summary-title" tabindex={-1} autofocus>
      <h2 id="k-error-summary-title">{t('kiosk:errors.summary')}</h2>
      <ul>
        {errors.map((e) => (
          <li>
            <a href={`#${fieldId(e.field)}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );

const FieldError: FC<{ t: Translate; field: string; message: string | undefined }> = ({
  t,
  field,
  message,
}) =>
  message ? (
    <p class="k-field-error" id={`${fieldId(field)}-error`}>
      <span class="visually-hidden">{t('kiosk:errors.fieldPrefix')}</span>
      {message}
    </p>
  ) : null;

/** A labelled multi-line answer with its hint and, after a failed submit, its error. */
const TextAreaField: FC<{
  t: Translate;
  label: string;
  hint: string;
  error: string | undefined;
  value: string | undefined;
}> = ({ t, label, hint, error, value }) => (
  <div class={error ? 'k-field k-invalid' : 'k-field'}>
    <label for={fieldId('text')}>{label}</label>
    <p class="k-hint" id={`${fieldId('text')}-hint`}>
      {hint}
    </p>
    <FieldError t={t} field="text" message={error} />
    <textarea
      id={fieldId('text')}
      name="text"
      rows={4}
      aria-describedby={[`${fieldId('text')}-hint`, error ? `${fieldId('text')}-error` : '']
        .filter(Boolean)
        .join(' ')}
      aria-invalid={error ? 'true' : undefined}
    >
      {value ?? ''}
    </textarea>
  </div>
);

/** The thank-you panel the script shows in place of the form once a submission is queued or sent. */
const DonePanel: FC<{ view: KioskView; anotherHref: string }> = ({ view, anotherHref }) => {
  const { t } = view;
  return (
    <div id="kiosk-done" class="k-done" hidden data-title={t('kiosk:thanks.title')}>
      <p id="kiosk-done-message" class="k-lead" />
      <p id="kiosk-done-queued" class="k-notice" hidden>
        {t('kiosk:thanks.queued')}
      </p>
      <div id="kiosk-done-yours" class="k-yours" hidden>
        <p>{t('kiosk:thanks.yourText')}</p>
        <p id="kiosk-done-text" class="k-quote" />
      </div>
      <p>{t('kiosk:thanks.followUp', { helpPhone: view.helpPhone })}</p>
      <div class="k-actions">
        <a class="k-button k-primary" href={anotherHref}>
          {t('kiosk:thanks.another')}
        </a>
        <a class="k-button k-secondary" href="/kiosk" data-reset="1">
          {t('kiosk:thanks.finish')}
        </a>
      </div>
    </div>
  );
};

/** Link choices for one setting, the current one marked. */
const SettingLinks: FC<{
  label: string;
  options: { href: string; label: string; current: boolean; lang?: Locale }[];
  currentNote: string;
}> = ({ label, options, currentNote }) => (
  <nav class="k-setting" aria-label={label}>
    <h3>{label}</h3>
    <ul class="k-choices">
      {options.map((o) => (
        <li>
          <a
            class={o.current ? 'k-button k-option k-current' : 'k-button k-option'}
            href={o.href}
            lang={o.lang}
            hreflang={o.lang}
            aria-current={o.current ? 'true' : undefined}
          >
            {o.label}
            {o.current ? <span class="visually-hidden">{currentNote}</span> : null}
          </a>
        </li>
      ))}
    </ul>
  </nav>
);

export const StartPage: FC<{ view: KioskView }> = ({ view }) => {
  const { t, state } = view;
  return (
    <KioskLayout
      view={view}
      t={t}
      locale={state.lang}
      size={state.size}
      title={t('kiosk:start.title')}
      pristine={isDefaultState(state, view.defaultLocale)}
    >
      <p class="k-lead">{t('kiosk:start.intro')}</p>
      <h2 class="visually-hidden">{t('kiosk:start.actions')}</h2>
      <ul class="k-big-actions">
        <li>
          <a class="k-big-action" href={hrefIn(view, '/kiosk/topics')}>
            <span class="k-big-label">{t('kiosk:start.topics')}</span>
            <span class="k-big-hint">{t('kiosk:start.topicsHint')}</span>
          </a>
        </li>
        <li>
          <a class="k-big-action k-need" href={hrefIn(view, '/kiosk/need')}>
            <span class="k-big-label">{t('kiosk:start.need')}</span>
            <span class="k-big-hint">{t('kiosk:start.needHint')}</span>
          </a>
        </li>
      </ul>
      <section class="k-settings" aria-labelledby="k-settings-title">
        <h2 id="k-settings-title">{t('kiosk:start.settings')}</h2>
        <SettingLinks
          label={t('kiosk:start.language')}
          currentNote={t('kiosk:start.current')}
          options={LOCALES.map((l) => ({
            href: hrefIn(view, '/kiosk', { lang: l }),
            label: t(`kiosk:languages.${l}`),
            current: l === state.lang,
            lang: l,
          }))}
        />
        <SettingLinks
          label={t('kiosk:start.textSize')}
          currentNote={t('kiosk:start.current')}
          options={TEXT_SIZES.map((size) => ({
            href: hrefIn(view, '/kiosk', { size }),
            label: t(size === 'large' ? 'kiosk:start.sizeLarge' : 'kiosk:start.sizeNormal'),
            current: size === state.size,
          }))}
        />
        <SettingLinks
          label={t('kiosk:start.speechRate')}
          currentNote={t('kiosk:start.current')}
          options={SPEECH_RATES.map((rate) => ({
            href: hrefIn(view, '/kiosk', { rate }),
            label: t(rate === 'slow' ? 'kiosk:start.rateSlow' : 'kiosk:start.rateNormal'),
            current: rate === state.rate,
          }))}
        />
      </section>
    </KioskLayout>
  );
};

export interface TopicCard {
  code: string;
  title: LocalizedText;
  summary: LocalizedText;
  status: TopicStatus;
  publicationEndsOn: string | null;
}

function formatDay(day: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

export const TopicsPage: FC<{ view: KioskView; topics: TopicCard[] }> = ({ view, topics }) => {
  const { t, state } = view;
  return (
    <KioskLayout
      view={view}
      t={t}
      locale={state.lang}
      size={state.size}
      title={t('kiosk:topics.title')}
      backHref={hrefIn(view, '/kiosk')}
      showFinish
    >
      {topics.length === 0 ? (
        <>
          <p class="k-lead">{t('kiosk:topics.empty')}</p>
          <p>
            <a class="k-button k-primary" href={hrefIn(view, '/kiosk/need')}>
              {t('kiosk:start.need')}
            </a>
          </p>
        </>
      ) : (
        <>
          <p class="k-lead">{t('kiosk:topics.intro')}</p>
          <ul class="k-cards">
            {topics.map((topic) => {
              const title = localized(topic.title, state.lang);
              const summary = localized(topic.summary, state.lang);
              return (
                <li class="k-card">
                  <h2 id={`topic-${topic.code}`}>
                    <span class="k-code">{topic.code}</span> <span lang={title.lang}>{title.text}</span>
                  </h2>
                  <p class={`k-status k-status-${topic.status}`}>
                    {t(`topics:status.${topic.status}`)}
                    {topic.status === 'published' && topic.publicationEndsOn
                      ? ` · ${t('kiosk:topics.publicationEnds', { date: formatDay(topic.publicationEndsOn, state.lang) })}`
                      : ''}
                  </p>
                  <p lang={summary.lang}>{summary.text}</p>
                  <a
                    class="k-button k-primary"
                    id={`give-${topic.code}`}
                    href={hrefIn(view, `/kiosk/topics/${topic.code}`)}
                    aria-labelledby={`give-${topic.code} topic-${topic.code}`}
                  >
                    {t('kiosk:topics.give')}
                  </a>
                </li>
              );
            })}
          </ul>
          <p>
            <a class="k-button k-secondary" href={hrefIn(view, '/kiosk/need')}>
              {t('kiosk:topics.needInstead')}
            </a>
          </p>
        </>
      )}
    </KioskLayout>
  );
};

export interface OpinionValues {
  stance?: Stance | undefined;
  text?: string | undefined;
}

export const OpinionPage: FC<{
  view: KioskView;
  topic: TopicCard;
  open: boolean;
  receipt: string;
  errors?: KioskFormError[];
  values?: OpinionValues;
}> = ({ view, topic, open, receipt, errors = [], values = {} }) => {
  const { t, state } = view;
  const title = localized(topic.title, state.lang);
  const summary = localized(topic.summary, state.lang);
  const stanceError = errorOf(errors, 'stance');
  const textError = errorOf(errors, 'text');
  const action = hrefIn(view, `/kiosk/topics/${topic.code}`);
  return (
    <KioskLayout
      view={view}
      t={t}
      locale={state.lang}
      size={state.size}
      title={`${topic.code} ${title.text}`}
      hasErrors={errors.length > 0}
      errorSummary={<ErrorSummary t={t} errors={errors} />}
      backHref={hrefIn(view, '/kiosk/topics')}
      showFinish
    >
      <div id="kiosk-screen">
        <p lang={summary.lang} class="k-summary">
          {summary.text}
        </p>
        {open ? (
          <form
            method="post"
            action={action}
            novalidate
            autocomplete="off"
            class="k-form"
            data-kiosk-form="opinion"
            data-msg-summary={t('kiosk:errors.summary')}
            data-field-prefix={t('kiosk:errors.fieldPrefix')}
            data-topic={topic.code}
            data-msg-stance={t('kiosk:errors.stanceRequired')}
            data-msg-suggestion={t('kiosk:errors.suggestionTextRequired')}
            data-msg-long={t('kiosk:errors.textTooLong', { maximum: TEXT_MAX })}
            data-max={TEXT_MAX}
          >
            <input type="hidden" name="_csrf" value={view.csrfToken} />
            <input type="hidden" name="receipt" value={receipt} />
            <fieldset
              class={stanceError ? 'k-fieldset k-invalid' : 'k-fieldset'}
              aria-describedby={stanceError ? `${fieldId('stance')}-error` : undefined}
            >
              <legend>{t('kiosk:opinion.stanceLegend')}</legend>
              <FieldError t={t} field="stance" message={stanceError} />
              <div class="k-stances">
                {STANCES.map((stance, index) => (
                  <label class={`k-choice k-choice-${stance}`}>
                    <input
                      type="radio"
                      name="stance"
                      value={stance}
                      id={index === 0 ? fieldId('stance') : `${fieldId('stance')}-${stance}`}
                      checked={values.stance === stance}
                      data-said={t('kiosk:opinion.selected', { choice: t(`kiosk:opinion.${stance}`) })}
                    />
                    <span>{t(`kiosk:opinion.${stance}`)}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <TextAreaField
              t={t}
              label={t('kiosk:opinion.textLabel')}
              hint={t('kiosk:opinion.textHint')}
              error={textError}
              value={values.text}
            />
            <button type="submit" class="k-button k-primary k-submit">
              {t('kiosk:opinion.submit')}
            </button>
          </form>
        ) : (
          <>
            <p class="k-notice">{t('kiosk:opinion.closed')}</p>
            <p>
              <a class="k-button k-primary" href={hrefIn(view, '/kiosk/topics')}>
                {t('kiosk:opinion.toTopics')}
              </a>
            </p>
          </>
        )}
      </div>
      {open ? <DonePanel view={view} anotherHref={hrefIn(view, '/kiosk/topics')} /> : null}
    </KioskLayout>
  );
};

export interface NeedValues {
  text?: string | undefined;
  where?: string | undefined;
}

const KEYPAD_DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

export const NeedPage: FC<{
  view: KioskView;
  receipt: string;
  errors?: KioskFormError[];
  values?: NeedValues;
}> = ({ view, receipt, errors = [], values = {} }) => {
  const { t, state } = view;
  const textError = errorOf(errors, 'text');
  const whereError = errorOf(errors, 'where');
  const words = [t('kiosk:need.building'), t('kiosk:need.unit'), t('kiosk:need.room')];
  return (
    <KioskLayout
      view={view}
      t={t}
      locale={state.lang}
      size={state.size}
      title={t('kiosk:need.title')}
      hasErrors={errors.length > 0}
      errorSummary={<ErrorSummary t={t} errors={errors} />}
      backHref={hrefIn(view, '/kiosk')}
      showFinish
    >
      <div id="kiosk-screen">
        <form
          method="post"
          action={hrefIn(view, '/kiosk/need')}
          novalidate
          autocomplete="off"
          class="k-form"
          data-kiosk-form="need"
          data-msg-summary={t('kiosk:errors.summary')}
          data-field-prefix={t('kiosk:errors.fieldPrefix')}
          data-msg-need={t('kiosk:errors.needRequired')}
          data-msg-long={t('kiosk:errors.textTooLong', { maximum: TEXT_MAX })}
          data-msg-where-long={t('kiosk:errors.textTooLong', { maximum: WHERE_MAX })}
          data-max={TEXT_MAX}
          data-where-max={WHERE_MAX}
        >
          <input type="hidden" name="_csrf" value={view.csrfToken} />
          <input type="hidden" name="receipt" value={receipt} />
          <TextAreaField
            t={t}
            label={t('kiosk:need.whatLabel')}
            hint={t('kiosk:need.whatHint')}
            error={textError}
            value={values.text}
          />
          <div class={whereError ? 'k-field k-invalid' : 'k-field'}>
            <label for={fieldId('where')}>{t('kiosk:need.whereLabel')}</label>
            <p class="k-hint" id={`${fieldId('where')}-hint`}>
              {t('kiosk:need.whereHint')}
            </p>
            <FieldError t={t} field="where" message={whereError} />
            <input
              type="text"
              id={fieldId('where')}
              name="where"
              value={values.where ?? ''}
              aria-describedby={[`${fieldId('where')}-hint`, whereError ? `${fieldId('where')}-error` : '']
                .filter(Boolean)
                .join(' ')}
              aria-invalid={whereError ? 'true' : undefined}
            />
            <fieldset
              class="k-keypad"
              data-for={fieldId('where')}
              data-deleted={t('kiosk:need.deleted')}
              data-cleared={t('kiosk:need.cleared')}
              data-no-read
              hidden
            >
              <legend class="visually-hidden">{t('kiosk:need.keypad')}</legend>
              {[...KEYPAD_DIGITS, ...words].map((key) => (
                <button type="button" class="k-key" data-key={key}>
                  {key}
                </button>
              ))}
              <button type="button" class="k-key k-key-wide" data-action="delete">
                {t('kiosk:need.deleteKey')}
              </button>
              <button type="button" class="k-key k-key-wide" data-action="clear">
                {t('kiosk:need.clearKey')}
              </button>
            </fieldset>
          </div>
          <p class="k-notice">{t('kiosk:need.noPhone', { helpPhone: view.helpPhone })}</p>
          <button type="submit" class="k-button k-primary k-submit">
            {t('kiosk:need.submit')}
          </button>
        </form>
      </div>
      <DonePanel view={view} anotherHref={hrefIn(view, '/kiosk')} />
    </KioskLayout>
  );
};

/** The confirmation a form without script gets from the server. */
export const ThanksPage: FC<{ view: KioskView; message: string; text: string; anotherHref: string }> = ({
  view,
  message,
  text,
  anotherHref,
}) => {
  const { t, state } = view;
  return (
    <KioskLayout
      view={view}
      t={t}
      locale={state.lang}
      size={state.size}
      title={t('kiosk:thanks.title')}
      showFinish
    >
      <p class="k-lead" role="status">
        {message}
      </p>
      {text ? (
        <div class="k-yours">
          <p>{t('kiosk:thanks.yourText')}</p>
          <p class="k-quote">{text}</p>
        </div>
      ) : null}
      <p>{t('kiosk:thanks.followUp', { helpPhone: view.helpPhone })}</p>
      <div class="k-actions">
        <a class="k-button k-primary" href={anotherHref}>
          {t('kiosk:thanks.another')}
        </a>
        <a class="k-button k-secondary" href="/kiosk" data-reset="1">
          {t('kiosk:thanks.finish')}
        </a>
      </div>
    </KioskLayout>
  );
};

/** A screen that says one thing (not found, too many submissions, page expired) and offers the way on. */
export const KioskMessagePage: FC<{ view: KioskView; title: string; body: string }> = ({
  view,
  title,
  body,
}) => {
  const { t, state } = view;
  return (
    <KioskLayout view={view} t={t} locale={state.lang} size={state.size} title={title} showFinish>
      <p class="k-lead">{body}</p>
      <p>
        <a class="k-button k-primary" href={hrefIn(view, '/kiosk')}>
          {t('kiosk:bar.home')}
        </a>
      </p>
    </KioskLayout>
  );
};

/**
 * What a screen shows before it is registered or after it was switched off: a word for residents and,
 * for staff, the activation form.
 */
export const ActivatePage: FC<{
  t: Translate;
  locale: Locale;
  csrfToken: string;
  deviceId: string;
  unregistered: boolean;
  error?: string | undefined;
}> = ({ t, locale, csrfToken, deviceId, unregistered, error }) => (
  <KioskLayout
    t={t}
    locale={locale}
    title={unregistered ? t('kiosk:unregistered.title') : t('kiosk:activate.title')}
    hasErrors={Boolean(error)}
    errorSummary={error ? <ErrorSummary t={t} errors={[{ field: 'token', message: error }]} /> : undefined}
  >
    {unregistered ? <p class="k-lead">{t('kiosk:unregistered.body')}</p> : null}
    <section aria-labelledby={unregistered ? 'k-activate-title' : 'kiosk-title'} class="k-activate">
      {unregistered ? <h2 id="k-activate-title">{t('kiosk:activate.title')}</h2> : null}
      <p>{t('kiosk:activate.intro')}</p>
      <form method="post" action="/kiosk/activate" novalidate autocomplete="off" class="k-form">
        <input type="hidden" name="_csrf" value={csrfToken} />
        <div class="k-field">
          <label for={fieldId('device')}>{t('kiosk:activate.deviceLabel')}</label>
          <input type="text" id={fieldId('device')} name="device" value={deviceId} spellcheck={false} />
        </div>
        <div class={error ? 'k-field k-invalid' : 'k-field'}>
          <label for={fieldId('token')}>{t('kiosk:activate.tokenLabel')}</label>
          <p class="k-hint" id={`${fieldId('token')}-hint`}>
            {t('kiosk:activate.tokenHint')}
          </p>
          <FieldError t={t} field="token" message={error} />
          <input
            type="password"
            id={fieldId('token')}
            name="token"
            autocomplete="off"
            spellcheck={false}
            aria-describedby={[`${fieldId('token')}-hint`, error ? `${fieldId('token')}-error` : '']
              .filter(Boolean)
              .join(' ')}
            aria-invalid={error ? 'true' : undefined}
          />
        </div>
        <button type="submit" class="k-button k-primary">
          {t('kiosk:activate.submit')}
        </button>
      </form>
    </section>
  </KioskLayout>
);
