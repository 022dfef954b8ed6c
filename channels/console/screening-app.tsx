/**
 * Topic screening at /console/screening: needs grouped into recurring themes, a topic created from a
 * theme, a single need or a report, needs set aside with a reason; and the themes as JSON. Every route
 * is a staffRoute (role-checked, CSRF-checked on POST).
 */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import type { LocalizedText } from '../../src/db/schema.ts';
import { listDeliberationTopics } from '../../src/deliberation/list-deliberation-topics.ts';
import { createTopicFromNeeds } from '../../src/screening/create-topic-from-needs.ts';
import { createTopicFromReport } from '../../src/screening/create-topic-from-report.ts';
import { findThemeOf, findThemes, type ScreeningTheme } from '../../src/screening/find-themes.ts';
import { linkNeedsToTopic } from '../../src/screening/link-needs-to-topic.ts';
import { listPlaces } from '../../src/screening/screening-places.ts';
import { SCREENING_MANAGER_ROLES, SCREENING_VIEWER_ROLES } from '../../src/screening/screening-roles.ts';
import { setNeedAside } from '../../src/screening/set-need-aside.ts';
import type { StaffEnv } from '../http/env.ts';
import type { FieldError } from '../http/error-summary.tsx';
import { createStaffApp, requestCtx, staffRoute } from '../http/staff-auth.ts';
import {
  REPORT_FORM_FIELDS,
  type ReportFormValues,
  ReportPage,
  SCREENING_PATH,
  ScreeningOverviewPage,
  THEME_FORM_FIELDS,
  ThemePage,
  type TopicFormValues,
} from './screening-pages.tsx';
import {
  afterForm,
  deliberationLayout,
  type FormBody,
  formatters,
  formErrors,
  many,
  mayManage,
  one,
  orRefusal,
  readForm,
} from './topic-admin-kit.tsx';
import { TOPICS_PATH } from './topic-admin-pages.tsx';

function localizedFrom(body: FormBody, prefix: string): Required<LocalizedText> {
  return {
    'zh-CN': one(body, `${prefix}.zh-CN`),
    'zh-HK': one(body, `${prefix}.zh-HK`),
    en: one(body, `${prefix}.en`),
  };
}

function topicValues(body: FormBody): TopicFormValues {
  return {
    title: localizedFrom(body, 'title'),
    summary: localizedFrom(body, 'summary'),
    communityId: one(body, 'communityId'),
    needIds: many(body, 'needIds'),
  };
}

/** Topics still open to more needs, for "add to an existing topic". */
async function openTopics(deps: AppDeps, c: Context<StaffEnv>) {
  const { rows } = await listDeliberationTopics(requestCtx(deps, c), { timeZone: deps.config.timeZone });
  return rows
    .filter((r) => !['closed', 'rejected'].includes(r.topic.status))
    .map((r) => ({ id: r.topic.id, code: r.topic.code, title: r.topic.title }));
}

export function createScreeningApp(deps: AppDeps): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  const f = (c: Context<StaffEnv>) => formatters(c.get('locale'), deps.config.timeZone);
  const back = (c: Context<StaffEnv>) => ({
    href: SCREENING_PATH,
    label: c.get('t')('deliberation:theme.back'),
  });

  const renderTheme = async (
    c: Context<StaffEnv>,
    theme: ScreeningTheme,
    status: 200 | 400 = 200,
    extra: {
      errors?: FieldError[];
      values?: TopicFormValues;
      linkErrors?: FieldError[];
      asideErrors?: FieldError[];
      aside?: string;
    } = {},
  ) => {
    const ctx = requestCtx(deps, c);
    const manage = mayManage(c);
    return c.html(
      <ThemePage
        layout={deliberationLayout(deps, c)}
        f={f(c)}
        theme={theme}
        places={await listPlaces(ctx)}
        manage={manage}
        openTopics={manage ? await openTopics(deps, c) : []}
        {...extra}
      />,
      status,
    );
  };

  /** The theme a form was about, as it stands now; a page saying it is gone when nothing is left. */
  const themeOrGone = async (c: Context<StaffEnv>, key: string) => {
    const theme = await findThemeOf(requestCtx(deps, c), { needId: key });
    if (!theme) throw new ServiceError('not_found', 'deliberation:errors.needNotFound');
    return theme;
  };

  staffRoute(app, 'GET', SCREENING_PATH, SCREENING_VIEWER_ROLES, async (c) => {
    const ctx = requestCtx(deps, c);
    const communityId = c.req.query('community') || undefined;
    const overview = await findThemes(ctx, { communityId });
    return c.html(
      <ScreeningOverviewPage
        layout={deliberationLayout(deps, c)}
        f={f(c)}
        overview={overview}
        places={await listPlaces(ctx)}
        communityId={communityId}
        manage={mayManage(c)}
        done={c.req.query('done')}
      />,
    );
  });

  staffRoute(app, 'GET', '/api/staff/screening/themes', SCREENING_VIEWER_ROLES, async (c) => {
    const overview = await findThemes(requestCtx(deps, c), {
      communityId: c.req.query('community') || undefined,
    });
    return c.json(overview);
  });

  staffRoute(app, 'GET', `${SCREENING_PATH}/themes/:needId`, SCREENING_VIEWER_ROLES, async (c) =>
    orRefusal(deps, c, back(c), async () =>
      renderTheme(c, await themeOrGone(c, c.req.param('needId') ?? '')),
    ),
  );

  staffRoute(app, 'POST', `${SCREENING_PATH}/topics`, SCREENING_MANAGER_ROLES, async (c) =>
    orRefusal(deps, c, back(c), async () => {
      const body = await readForm(c);
      const values = topicValues(body);
      return afterForm(
        c,
        async () => {
          const { topic } = await createTopicFromNeeds(requestCtx(deps, c), {
            ...values,
            communityId: values.communityId || undefined,
            themeTerms: many(body, 'themeTerms'),
          });
          return `${TOPICS_PATH}/${topic.id}?done=created`;
        },
        async (error) => {
          const theme = await themeOrGone(c, one(body, 'themeKey') || values.needIds[0] || '');
          return renderTheme(c, theme, 400, {
            errors: formErrors(error, c.get('t'), THEME_FORM_FIELDS, 'title.zh-CN'),
            values,
          });
        },
      );
    }),
  );

  staffRoute(app, 'POST', `${SCREENING_PATH}/links`, SCREENING_MANAGER_ROLES, async (c) =>
    orRefusal(deps, c, back(c), async () => {
      const body = await readForm(c);
      return afterForm(
        c,
        async () => {
          const { topic } = await linkNeedsToTopic(requestCtx(deps, c), {
            needIds: many(body, 'needIds'),
            topicId: one(body, 'topicId'),
          });
          return `${TOPICS_PATH}/${topic.id}?done=linked`;
        },
        async (error) => {
          const theme = await themeOrGone(c, one(body, 'themeKey'));
          return renderTheme(c, theme, 400, {
            linkErrors: formErrors(error, c.get('t'), ['topicId'], 'topicId'),
          });
        },
      );
    }),
  );

  staffRoute(app, 'POST', `${SCREENING_PATH}/needs/:needId/set-aside`, SCREENING_MANAGER_ROLES, async (c) =>
    orRefusal(deps, c, back(c), async () => {
      const needId = c.req.param('needId') ?? '';
      const body = await readForm(c);
      const reason = one(body, 'reason');
      return afterForm(
        c,
        async () => {
          await setNeedAside(requestCtx(deps, c), { needId, reason });
          return `${SCREENING_PATH}?done=setAside`;
        },
        async (error) => {
          const theme = await themeOrGone(c, needId);
          return renderTheme(c, theme, 400, {
            asideErrors: formErrors(error, c.get('t'), ['reason'], 'reason'),
            aside: reason,
          });
        },
      );
    }),
  );

  staffRoute(app, 'GET', `${SCREENING_PATH}/reports/new`, SCREENING_MANAGER_ROLES, async (c) =>
    c.html(
      <ReportPage layout={deliberationLayout(deps, c)} places={await listPlaces(requestCtx(deps, c))} />,
    ),
  );

  staffRoute(app, 'POST', `${SCREENING_PATH}/reports`, SCREENING_MANAGER_ROLES, async (c) =>
    orRefusal(deps, c, back(c), async () => {
      const ctx = requestCtx(deps, c);
      const body = await readForm(c);
      const values: ReportFormValues = {
        ...topicValues(body),
        origin: one(body, 'origin'),
        reference: one(body, 'reference'),
        reportedBy: one(body, 'reportedBy'),
      };
      return afterForm(
        c,
        async () => {
          const { topic } = await createTopicFromReport(ctx, {
            origin: values.origin,
            reference: values.reference,
            reportedBy: values.reportedBy,
            title: values.title,
            summary: values.summary,
            communityId: values.communityId || undefined,
          });
          return `${TOPICS_PATH}/${topic.id}?done=created`;
        },
        async (error) => {
          return c.html(
            <ReportPage
              layout={deliberationLayout(deps, c)}
              places={await listPlaces(ctx)}
              errors={formErrors(error, c.get('t'), REPORT_FORM_FIELDS, 'title.zh-CN')}
              values={values}
            />,
            400,
          );
        },
      );
    }),
  );

  return app;
}
