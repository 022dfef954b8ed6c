/**
 * The staff console: sign-in and sign-out, the home page, the outbox and the audit check. Every
 * route but sign-in is registered through staffRoute, so it is role-checked and listed in the registry.
 */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import type { Locale } from '../../src/db/schema.ts';
import { authenticateStaff } from '../../src/staff/authenticate-staff.ts';
import { endStaffSession } from '../../src/staff/end-staff-session.ts';
import { listOutboxPage } from '../../src/staff/list-outbox-page.ts';
import { reviewAuditLog } from '../../src/staff/review-audit-log.ts';
import { startStaffSession } from '../../src/staff/start-staff-session.ts';
import { clientAddress } from '../http/client-address.ts';
import { clearAnonymousCsrf, hasValidAnonymousCsrf, issueAnonymousCsrf } from '../http/csrf.ts';
import type { StaffEnv } from '../http/env.ts';
import { type FieldError, fieldErrorsFrom } from '../http/error-summary.tsx';
import { currentPath, pageSetup } from '../http/pages.tsx';
import { registerSiteAssets } from '../http/site-css.ts';
import {
  clearSessionCookie,
  createStaffApp,
  csrfRejected,
  currentStaff,
  requestCtx,
  setSessionCookie,
  staffRoute,
  staffSession,
} from '../http/staff-auth.ts';
import { AuditPage } from './audit-page.tsx';
import {
  CONSOLE_AUDIT_ROLES,
  CONSOLE_HOME_ROLES,
  CONSOLE_OUTBOX_ROLES,
  consoleSections,
} from './console-roles.ts';
import { HomePage } from './home-page.tsx';
import { consoleLayout } from './lists-layout.tsx';
import { LoginPage } from './login-page.tsx';
import { OutboxPage } from './outbox-page.tsx';
import { safeNext } from './safe-next.ts';

const LOGIN_FIELDS = ['username', 'password'] as const;

function timeFormatter(locale: Locale, timeZone: string): (d: Date) => string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return (d) => format.format(d);
}

function formString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** The staff console as a Hono sub-app; mount it at '/'. */
export function createConsoleApp(deps: AppDeps): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  registerSiteAssets(app);

  const renderLogin = (
    c: Context<StaffEnv>,
    status: 200 | 400 | 401 | 429,
    options: { next: string; username?: string; errors?: FieldError[]; notice?: string },
  ) => {
    const t = c.get('t');
    return c.html(
      <LoginPage
        t={t}
        locale={c.get('locale')}
        currentPath={currentPath(c)}
        helpPhone={deps.config.helpPhone}
        csrfToken={issueAnonymousCsrf(c, deps.config)}
        {...options}
      />,
      status,
    );
  };

  app.get('/staff/login', pageSetup<StaffEnv>(deps), staffSession(deps), (c) => {
    const next = safeNext(c.req.query('next'));
    if (c.get('staffAuth')) return c.redirect(next, 302);
    const notice = c.req.query('signedOut') === '1' ? c.get('t')('staff:login.signedOut') : undefined;
    return renderLogin(c, 200, { next, ...(notice ? { notice } : {}) });
  });

  app.post('/staff/login', pageSetup<StaffEnv>(deps), staffSession(deps), async (c) => {
    if (!(await hasValidAnonymousCsrf(c, deps.config))) return csrfRejected(deps, c);
    const t = c.get('t');
    const body = await c.req.parseBody();
    const username = formString(body, 'username');
    const next = safeNext(formString(body, 'next'));
    const ctx = requestCtx(deps, c, 'console-login');
    try {
      const staff = await authenticateStaff(ctx, {
        username,
        password: formString(body, 'password'),
        clientAddress: clientAddress(c),
      });
      // A fresh token on every sign-in: a session id planted before sign-in (fixation) is worthless.
      const previous = c.get('sessionToken');
      if (previous) await endStaffSession(ctx, { token: previous, reason: 'replaced' });
      const session = await startStaffSession(ctx, { staffId: staff.id });
      setSessionCookie(c, deps.config, session.token);
      clearAnonymousCsrf(c, deps.config);
      return c.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      switch (error.code) {
        case 'validation_failed':
          return renderLogin(c, 400, {
            next,
            username,
            errors: fieldErrorsFrom(error, t, LOGIN_FIELDS, 'username'),
          });
        case 'rate_limited':
          c.header('Retry-After', String(error.params.retryAfterSeconds ?? 900));
          return renderLogin(c, 429, {
            next,
            username,
            errors: [{ field: 'username', message: t(error.messageKey, error.params) }],
          });
        case 'unauthenticated':
          return renderLogin(c, 401, {
            next,
            username,
            errors: [{ field: 'username', message: t(error.messageKey, error.params) }],
          });
        default:
          throw error;
      }
    }
  });

  staffRoute(app, 'POST', '/staff/logout', CONSOLE_HOME_ROLES, async (c) => {
    const token = c.get('sessionToken');
    if (token) await endStaffSession(requestCtx(deps, c), { token, reason: 'logout' });
    clearSessionCookie(c, deps.config);
    return c.redirect('/staff/login?signedOut=1', 303);
  });

  staffRoute(app, 'GET', '/console', CONSOLE_HOME_ROLES, (c) => {
    const t = c.get('t');
    const { staff, session } = currentStaff(c);
    const layout = consoleLayout(deps, c);
    const formatTime = timeFormatter(c.get('locale'), deps.config.timeZone);
    return c.html(
      <HomePage
        layout={layout}
        displayName={staff.displayName}
        username={staff.username}
        roleNames={staff.roles.map((r) => t(`staff:roleNames.${r}`))}
        department={staff.department}
        sessionEndsAt={formatTime(session.expiresAt)}
        sections={consoleSections(t, staff.roles)}
      />,
    );
  });

  staffRoute(app, 'GET', '/console/outbox', CONSOLE_OUTBOX_ROLES, async (c) => {
    const data = await listOutboxPage(requestCtx(deps, c), { page: c.req.query('page') ?? 1 });
    return c.html(
      <OutboxPage
        layout={consoleLayout(deps, c)}
        data={data}
        providerConfigured={deps.config.twilio !== undefined}
        formatTime={timeFormatter(c.get('locale'), deps.config.timeZone)}
      />,
    );
  });

  staffRoute(app, 'GET', '/console/audit', CONSOLE_AUDIT_ROLES, async (c) => {
    const review = await reviewAuditLog(requestCtx(deps, c));
    return c.html(
      <AuditPage
        layout={consoleLayout(deps, c)}
        review={review}
        formatTime={timeFormatter(c.get('locale'), deps.config.timeZone)}
      />,
    );
  });

  return app;
}
