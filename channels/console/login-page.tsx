import type { FC } from 'hono/jsx';
import type { Locale } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { CSRF_FIELD } from '../http/csrf.ts';
import { ErrorSummary, errorFor, type FieldError } from '../http/error-summary.tsx';
import { TextField } from '../http/form-fields.tsx';
import { Layout } from '../http/layout.tsx';

export interface LoginPageProps {
  t: Translate;
  locale: Locale;
  currentPath: string;
  helpPhone: string;
  csrfToken: string;
  next: string;
  username?: string;
  errors?: FieldError[];
  /** A message shown above the form when there is no error, e.g. after signing out. */
  notice?: string;
}

/** The staff sign-in form. */
export const LoginPage: FC<LoginPageProps> = (props) => {
  const { t } = props;
  const errors = props.errors ?? [];
  return (
    <Layout
      t={t}
      locale={props.locale}
      currentPath={props.currentPath}
      title={t('staff:login.title')}
      helpPhone={props.helpPhone}
      homeHref="/staff/login"
      errorSummary={errors.length ? <ErrorSummary t={t} errors={errors} /> : undefined}
    >
      {props.notice && errors.length === 0 ? (
        <div class="notice" role="status">
          <p>{props.notice}</p>
        </div>
      ) : null}
      <p>{t('staff:login.intro')}</p>
      <form method="post" action="/staff/login" novalidate>
        <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
        <input type="hidden" name="next" value={props.next} />
        <TextField
          t={t}
          name="username"
          label={t('staff:login.username')}
          value={props.username}
          error={errorFor(errors, 'username')}
          autocomplete="username"
          spellcheck={false}
        />
        <TextField
          t={t}
          name="password"
          type="password"
          label={t('staff:login.password')}
          error={errorFor(errors, 'password')}
          autocomplete="current-password"
        />
        <button type="submit">{t('staff:login.submit')}</button>
      </form>
      <p>{t('staff:login.forgotten', { phone: props.helpPhone })}</p>
    </Layout>
  );
};
