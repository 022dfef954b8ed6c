/**
 * Staff pages for kiosks under /console/kiosks: list, register (the token is shown once), switch off.
 * Every route is registered through staffRoute, so it is role-checked and listed in the registry.
 */
import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import type { Locale } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { deactivateKioskDevice } from '../../src/kiosk/deactivate-kiosk-device.ts';
import { KIOSK_MANAGER_ROLES, type KioskDevice } from '../../src/kiosk/kiosk-device.ts';
import { type KioskPlaces, listKioskCommunities } from '../../src/kiosk/list-kiosk-communities.ts';
import { listKioskDevices } from '../../src/kiosk/list-kiosk-devices.ts';
import { registerKioskDevice } from '../../src/kiosk/register-kiosk-device.ts';
import { type CommunitySummary, listCommunities } from '../../src/places/list-communities.ts';
import { consoleSections } from '../console/console-roles.ts';
import { csrfTokenFor } from '../http/csrf.ts';
import { DataTable, headings } from '../http/data-table.tsx';
import type { StaffEnv } from '../http/env.ts';
import {
  ErrorSummary,
  type FieldError,
  fieldErrorId,
  fieldErrorsFrom,
  fieldId,
} from '../http/error-summary.tsx';
import { TextField } from '../http/form-fields.tsx';
import { Layout, type LayoutProps } from '../http/layout.tsx';
import { currentPath } from '../http/pages.tsx';
import { createStaffApp, currentStaff, requestCtx, staffRoute } from '../http/staff-auth.ts';
import { localized } from './kiosk-layout.tsx';

export const KIOSKS_PATH = '/console/kiosks';
const REGISTER_FIELDS = ['label', 'location.zh-CN', 'location.zh-HK', 'location.en', 'communityId'] as const;

type PageLayout = Omit<LayoutProps, 'children' | 'title'>;

function staffLayout(deps: AppDeps, c: Context<StaffEnv>): PageLayout {
  const t = c.get('t');
  const { staff, session } = currentStaff(c);
  const nav = consoleSections(t, staff.roles);
  return {
    t,
    locale: c.get('locale'),
    currentPath: currentPath(c),
    homeHref: '/console',
    helpPhone: deps.config.helpPhone,
    nav,
    signedIn: { displayName: staff.displayName, csrfToken: csrfTokenFor(session.csrfSecret) },
  };
}

function formString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

const KioskListPage: FC<{
  layout: PageLayout;
  devices: KioskDevice[];
  communities: CommunitySummary[];
  notice?: string | undefined;
  formatTime: (d: Date) => string;
}> = ({ layout, devices, communities, notice, formatTime }) => {
  const { t, locale } = layout;
  const communityName = (id: string | null) => {
    const community = communities.find((x) => x.id === id);
    return community ? localized(community.name, locale).text : t('kiosk:console.anyCommunity');
  };
  const csrf = layout.signedIn?.csrfToken ?? '';
  return (
    <Layout {...layout} title={t('kiosk:console.title')}>
      {notice ? (
        <div class="banner-ok" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      <p>{t('kiosk:console.intro')}</p>
      <p>
        <a class="button" href={`${KIOSKS_PATH}/new`}>
          {t('kiosk:console.registerLink')}
        </a>
      </p>
      {devices.length === 0 ? (
        <p>{t('kiosk:console.empty')}</p>
      ) : (
        <DataTable
          caption={t('kiosk:console.caption')}
          columns={headings(t, 'kiosk:console.columns', [
            'label',
            'location',
            'community',
            'status',
            'lastSeen',
            'actions',
          ])}
        >
          {devices.map((d) => {
            const where = localized(d.location, locale);
            return (
              <tr>
                <td>
                  {d.label}
                  <br />
                  <span class="mono">{d.id}</span>
                </td>
                <td lang={where.lang}>{where.text}</td>
                <td>{communityName(d.communityId)}</td>
                <td class="status">{d.active ? t('kiosk:console.active') : t('kiosk:console.inactive')}</td>
                <td>
                  {d.lastSeenAt ? (
                    <time datetime={d.lastSeenAt.toISOString()}>{formatTime(d.lastSeenAt)}</time>
                  ) : (
                    t('kiosk:console.never')
                  )}
                </td>
                <td>
                  {d.active ? (
                    <form method="post" action={`${KIOSKS_PATH}/${d.id}/deactivate`}>
                      <input type="hidden" name="_csrf" value={csrf} />
                      <button
                        type="submit"
                        class="secondary"
                        aria-label={t('kiosk:console.deactivateLabel', { label: d.label })}
                      >
                        {t('kiosk:console.deactivate')}
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </Layout>
  );
};

interface RegisterValues {
  label: string;
  zhCn: string;
  zhHk: string;
  en: string;
  communityId: string;
}

const RegisterPage: FC<{
  layout: PageLayout;
  places: KioskPlaces;
  errors?: FieldError[];
  values?: RegisterValues;
}> = ({ layout, places, errors = [], values }) => {
  const { communities, streetWide } = places;
  const { t, locale } = layout;
  const error = (field: string) => errors.find((e) => e.field === field)?.message;
  const communityError = error('communityId');
  const communityHintId = `${fieldId('communityId')}-hint`;
  return (
    <Layout
      {...layout}
      title={t('kiosk:console.newTitle')}
      hasErrors={errors.length > 0}
      errorSummary={errors.length > 0 ? <ErrorSummary t={t} errors={errors} /> : undefined}
    >
      <form method="post" action={KIOSKS_PATH} novalidate>
        <input type="hidden" name="_csrf" value={layout.signedIn?.csrfToken ?? ''} />
        <TextField
          t={t}
          name="label"
          label={t('kiosk:console.labelLabel')}
          hint={t('kiosk:console.labelHint')}
          error={error('label')}
          value={values?.label}
        />
        <TextField
          t={t}
          name="location.zh-CN"
          label={t('kiosk:console.locationZhCn')}
          hint={t('kiosk:console.locationHint')}
          error={error('location.zh-CN')}
          value={values?.zhCn}
        />
        <TextField
          t={t}
          name="location.zh-HK"
          label={t('kiosk:console.locationZhHk')}
          error={error('location.zh-HK')}
          value={values?.zhHk}
        />
        <TextField
          t={t}
          name="location.en"
          label={t('kiosk:console.locationEn')}
          error={error('location.en')}
          value={values?.en}
        />
        <div class={communityError ? 'field field-invalid' : 'field'}>
          <label for={fieldId('communityId')}>{t('kiosk:console.communityLabel')}</label>
          <span class="hint" id={communityHintId}>
            {t('kiosk:console.communityHint')}
          </span>
          {communityError ? (
            <span class="field-error" id={fieldErrorId('communityId')}>
              <span class="visually-hidden">{t('web:fieldErrorPrefix')}</span>
              {communityError}
            </span>
          ) : null}
          <select
            id={fieldId('communityId')}
            name="communityId"
            aria-describedby={[communityHintId, communityError ? fieldErrorId('communityId') : '']
              .filter(Boolean)
              .join(' ')}
            aria-invalid={communityError ? 'true' : undefined}
          >
            {streetWide ? <option value="">{t('kiosk:console.communityAny')}</option> : null}
            {communities.map((community) => (
              <option value={community.id} selected={values?.communityId === community.id}>
                {community.code} {localized(community.name, locale).text}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('kiosk:console.submit')}</button>
      </form>
    </Layout>
  );
};

const RegisteredPage: FC<{ layout: PageLayout; device: KioskDevice; token: string; activateUrl: string }> = ({
  layout,
  device,
  token,
  activateUrl,
}) => {
  const { t } = layout;
  return (
    <Layout {...layout} title={t('kiosk:console.createdTitle')}>
      <div class="banner-ok" role="status">
        <p>{t('kiosk:console.createdIntro', { label: device.label })}</p>
      </div>
      <dl>
        <dt>{t('kiosk:console.deviceId')}</dt>
        <dd>
          <code>{device.id}</code>
        </dd>
        <dt>{t('kiosk:console.token')}</dt>
        <dd>
          <code class="kiosk-token">{token}</code>
        </dd>
        <dt>{t('kiosk:console.activateUrl')}</dt>
        <dd>
          <code>{activateUrl}</code>
        </dd>
      </dl>
      <p>{t('kiosk:console.steps')}</p>
      <p>{t('kiosk:console.lost')}</p>
      <p>
        <a href={KIOSKS_PATH}>{t('kiosk:console.back')}</a>
      </p>
    </Layout>
  );
};

function timeFormatter(locale: Locale, timeZone: string): (d: Date) => string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return (d) => format.format(d);
}

/** The kiosk management pages as a staff sub-app; mount at '/'. */
export function createKioskConsole(deps: AppDeps): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  const formatTime = (c: Context<StaffEnv>) => timeFormatter(c.get('locale'), deps.config.timeZone);

  staffRoute(app, 'GET', KIOSKS_PATH, KIOSK_MANAGER_ROLES, async (c) => {
    const ctx = requestCtx(deps, c);
    const devices = await listKioskDevices(ctx);
    const switchedOff = devices.find((d) => d.id === c.req.query('deactivated'));
    return c.html(
      <KioskListPage
        layout={staffLayout(deps, c)}
        devices={devices}
        communities={await listCommunities(ctx)}
        notice={
          switchedOff ? c.get('t')('kiosk:console.deactivated', { label: switchedOff.label }) : undefined
        }
        formatTime={formatTime(c)}
      />,
    );
  });

  staffRoute(app, 'GET', `${KIOSKS_PATH}/new`, KIOSK_MANAGER_ROLES, async (c) =>
    c.html(
      <RegisterPage layout={staffLayout(deps, c)} places={await listKioskCommunities(requestCtx(deps, c))} />,
    ),
  );

  staffRoute(app, 'POST', KIOSKS_PATH, KIOSK_MANAGER_ROLES, async (c) => {
    const ctx = requestCtx(deps, c);
    const body = await c.req.parseBody();
    const values: RegisterValues = {
      label: formString(body, 'label'),
      zhCn: formString(body, 'location.zh-CN'),
      zhHk: formString(body, 'location.zh-HK'),
      en: formString(body, 'location.en'),
      communityId: formString(body, 'communityId'),
    };
    try {
      const { device, token } = await registerKioskDevice(ctx, {
        label: values.label,
        location: { 'zh-CN': values.zhCn, 'zh-HK': values.zhHk, en: values.en },
        communityId: values.communityId,
      });
      const activateUrl = `${deps.config.publicBaseUrl}/kiosk?device=${device.id}`;
      return c.html(
        <RegisteredPage
          layout={staffLayout(deps, c)}
          device={device}
          token={token}
          activateUrl={activateUrl}
        />,
        201,
      );
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code !== 'validation_failed') throw error;
      const t: Translate = c.get('t');
      return c.html(
        <RegisterPage
          layout={staffLayout(deps, c)}
          places={await listKioskCommunities(ctx)}
          errors={fieldErrorsFrom(error, t, REGISTER_FIELDS, 'label')}
          values={values}
        />,
        400,
      );
    }
  });

  staffRoute(app, 'POST', `${KIOSKS_PATH}/:id/deactivate`, KIOSK_MANAGER_ROLES, async (c) => {
    const deviceId = c.req.param('id') ?? '';
    try {
      await deactivateKioskDevice(requestCtx(deps, c), { deviceId });
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code !== 'not_found') throw error;
      const t = c.get('t');
      return c.html(
        <Layout {...staffLayout(deps, c)} title={t('kiosk:console.title')}>
          <p role="alert">{t('kiosk:console.notFound')}</p>
          <p>
            <a href={KIOSKS_PATH}>{t('kiosk:console.back')}</a>
          </p>
        </Layout>,
        404,
      );
    }
    return c.redirect(`${KIOSKS_PATH}?deactivated=${encodeURIComponent(deviceId)}`, 303);
  });

  return app;
}
