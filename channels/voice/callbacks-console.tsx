/**
 * The staff page for call-backs residents asked for on the phone line (/console/callbacks): who is
 * waiting, with the number to ring and the language to speak, and a button to mark one done.
 * Registered through staffRoute, so role-checked, CSRF-checked and listed in the registry.
 */
import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import type { Locale, LocalizedText } from '../../src/db/schema.ts';
import { completeCallback } from '../../src/voice/complete-callback.ts';
import {
  CALLBACK_HANDLER_ROLES,
  listOpenCallbacks,
  type OpenCallback,
} from '../../src/voice/list-open-callbacks.ts';
import { consoleSections } from '../console/console-roles.ts';
import { csrfTokenFor } from '../http/csrf.ts';
import { DataTable, headings } from '../http/data-table.tsx';
import type { StaffEnv } from '../http/env.ts';
import { Layout, type LayoutProps } from '../http/layout.tsx';
import { currentPath } from '../http/pages.tsx';
import { createStaffApp, currentStaff, requestCtx, staffRoute } from '../http/staff-auth.ts';

export const CALLBACKS_PATH = '/console/callbacks';

type PageLayout = Omit<LayoutProps, 'children' | 'title'>;

function staffLayout(deps: AppDeps, c: Context<StaffEnv>): PageLayout {
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

function communityName(name: LocalizedText, locale: Locale): string {
  return name[locale] ?? name['zh-CN'] ?? name['zh-HK'] ?? name.en ?? '';
}

const CallbacksPage: FC<{
  layout: PageLayout;
  callbacks: OpenCallback[];
  notice?: string | undefined;
  problem?: string | undefined;
  formatTime: (d: Date) => string;
}> = ({ layout, callbacks, notice, problem, formatTime }) => {
  const { t, locale } = layout;
  const csrf = layout.signedIn?.csrfToken ?? '';
  return (
    <Layout {...layout} title={t('voice:callbacks.title')}>
      {notice ? (
        <div class="banner-ok" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      {problem ? <p role="alert">{problem}</p> : null}
      <p>{t('voice:callbacks.intro')}</p>
      {callbacks.length === 0 ? (
        <p>{t('voice:callbacks.empty')}</p>
      ) : (
        <DataTable
          caption={t('voice:callbacks.caption')}
          columns={headings(t, 'voice:callbacks.columns', [
            'requestedAt',
            'phone',
            'language',
            'reason',
            'caller',
            'actions',
          ])}
        >
          {callbacks.map((cb) => (
            <tr>
              <td>
                <time datetime={cb.requestedAt.toISOString()}>{formatTime(cb.requestedAt)}</time>
              </td>
              <td>
                <a class="mono" href={`tel:${cb.phone}`}>
                  {cb.phone}
                </a>
              </td>
              <td>{t(`voice:callbacks.languages.${cb.locale}`)}</td>
              <td>{t(`voice:callbacks.reasons.${cb.reason}`)}</td>
              <td>
                {cb.residentKnown
                  ? cb.community
                    ? t('voice:callbacks.known', { community: communityName(cb.community, locale) })
                    : t('voice:callbacks.knownNoCommunity')
                  : t('voice:callbacks.anonymous')}
              </td>
              <td>
                <form method="post" action={`${CALLBACKS_PATH}/${cb.id}/done`}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <label for={`note-${cb.id}`}>{t('voice:callbacks.noteLabel')}</label>
                  <input type="text" id={`note-${cb.id}`} name="note" maxlength={500} />
                  <button
                    type="submit"
                    class="secondary"
                    aria-label={t('voice:callbacks.doneLabel', { time: formatTime(cb.requestedAt) })}
                  >
                    {t('voice:callbacks.done')}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Layout>
  );
};

/** The call-back list as a staff sub-app; mount at '/'. */
export function createCallbacksConsole(deps: AppDeps): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  const formatTime = (c: Context<StaffEnv>) => {
    const format = new Intl.DateTimeFormat(c.get('locale'), {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: deps.config.timeZone,
    });
    return (d: Date) => format.format(d);
  };

  const render = async (
    c: Context<StaffEnv>,
    status: 200 | 400 | 404 | 409,
    messages: { notice?: string; problem?: string },
  ) =>
    c.html(
      <CallbacksPage
        layout={staffLayout(deps, c)}
        callbacks={await listOpenCallbacks(requestCtx(deps, c))}
        notice={messages.notice}
        problem={messages.problem}
        formatTime={formatTime(c)}
      />,
      status,
    );

  staffRoute(app, 'GET', CALLBACKS_PATH, CALLBACK_HANDLER_ROLES, async (c) =>
    render(c, 200, c.req.query('done') === '1' ? { notice: c.get('t')('voice:callbacks.doneNotice') } : {}),
  );

  staffRoute(app, 'POST', `${CALLBACKS_PATH}/:id/done`, CALLBACK_HANDLER_ROLES, async (c) => {
    try {
      const body = await c.req.parseBody();
      const note = typeof body.note === 'string' && body.note.trim() ? body.note : undefined;
      await completeCallback(requestCtx(deps, c), {
        callbackId: c.req.param('id') ?? '',
        ...(note ? { note } : {}),
      });
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      const t = c.get('t');
      if (error.code === 'not_found') return render(c, 404, { problem: t('voice:callbacks.notFound') });
      if (error.code === 'conflict') return render(c, 409, { problem: t('voice:callbacks.alreadyDone') });
      if (error.code === 'validation_failed') return render(c, 400, { problem: t(error.messageKey) });
      throw error;
    }
    return c.redirect(`${CALLBACKS_PATH}?done=1`, 303);
  });

  return app;
}
