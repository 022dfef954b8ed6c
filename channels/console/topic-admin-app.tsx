/**
 * Topics through deliberation at /console/topics: the list with results overdue, one topic, taking it
 * into screening, publishing it with its notice, publishing its result with the tallies; and JSON for
 * the list and one topic. Every route is a staffRoute.
 */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import { TOPIC_STATUSES, type TopicStatus } from '../../src/db/schema.ts';
import {
  DELIBERATION_MANAGER_ROLES,
  DELIBERATION_VIEWER_ROLES,
} from '../../src/deliberation/deliberation-roles.ts';
import { getTopicDeliberation } from '../../src/deliberation/get-topic-deliberation.ts';
import { listDeliberationTopics } from '../../src/deliberation/list-deliberation-topics.ts';
import {
  previewPublication,
  publishTopicAndNotify,
} from '../../src/deliberation/publish-topic-and-notify.ts';
import { publishTopicResult } from '../../src/deliberation/publish-topic-result.ts';
import { startScreening } from '../../src/deliberation/start-screening.ts';
import type { NoticeEnv } from '../../src/deliberation/topic-notices.ts';
import { listPlaces } from '../../src/screening/screening-places.ts';
import type { StaffEnv } from '../http/env.ts';
import { createStaffApp, requestCtx, staffRoute } from '../http/staff-auth.ts';
import {
  deliberationLayout,
  formatters,
  formErrors,
  many,
  mayManage,
  one,
  orRefusal,
  readForm,
} from './topic-admin-kit.tsx';
import {
  PUBLISH_FIELDS,
  PublishPage,
  RESULT_FIELDS,
  ResultPage,
  TOPICS_PATH,
  TopicListPage,
  TopicPage,
} from './topic-admin-pages.tsx';

/** What notices need from the app: translations, the default language and which channels can send. */
export function noticeEnv(deps: AppDeps): NoticeEnv {
  return { i18n: deps.i18n, defaultLocale: deps.config.defaultLocale, senders: deps.senders ?? {} };
}

function statusFilter(value: string | undefined): TopicStatus | undefined {
  return (TOPIC_STATUSES as readonly string[]).includes(value ?? '') ? (value as TopicStatus) : undefined;
}

export function createTopicAdminApp(deps: AppDeps): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  const timeZone = deps.config.timeZone;
  const f = (c: Context<StaffEnv>) => formatters(c.get('locale'), timeZone);
  const topicBack = (c: Context<StaffEnv>, id: string) => ({
    href: `${TOPICS_PATH}/${id}`,
    label: c.get('t')('deliberation:refused.backToTopic'),
  });
  const listBack = (c: Context<StaffEnv>) => ({
    href: TOPICS_PATH,
    label: c.get('t')('deliberation:topic.back'),
  });

  staffRoute(app, 'GET', TOPICS_PATH, DELIBERATION_VIEWER_ROLES, async (c) => {
    const status = statusFilter(c.req.query('status'));
    const data = await listDeliberationTopics(requestCtx(deps, c), { status, timeZone });
    return c.html(
      <TopicListPage
        layout={deliberationLayout(deps, c)}
        f={f(c)}
        data={data}
        status={status}
        manage={mayManage(c)}
      />,
    );
  });

  staffRoute(app, 'GET', '/api/staff/deliberation/topics', DELIBERATION_VIEWER_ROLES, async (c) => {
    const status = statusFilter(c.req.query('status'));
    return c.json(await listDeliberationTopics(requestCtx(deps, c), { status, timeZone }));
  });

  staffRoute(app, 'GET', '/api/staff/deliberation/topics/:id', DELIBERATION_VIEWER_ROLES, async (c) =>
    c.json(await getTopicDeliberation(requestCtx(deps, c), { topicId: c.req.param('id') ?? '', timeZone })),
  );

  staffRoute(app, 'GET', `${TOPICS_PATH}/:id`, DELIBERATION_VIEWER_ROLES, async (c) =>
    orRefusal(deps, c, listBack(c), async () => {
      const ctx = requestCtx(deps, c);
      const data = await getTopicDeliberation(ctx, { topicId: c.req.param('id') ?? '', timeZone });
      return c.html(
        <TopicPage
          layout={deliberationLayout(deps, c)}
          f={f(c)}
          data={data}
          places={await listPlaces(ctx)}
          manage={mayManage(c)}
          done={c.req.query('done')}
        />,
      );
    }),
  );

  staffRoute(app, 'POST', `${TOPICS_PATH}/:id/screen`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, topicBack(c, id), async () => {
      const topic = await startScreening(requestCtx(deps, c), { topicId: id });
      return c.redirect(`${TOPICS_PATH}/${topic.id}?done=screened`, 303);
    });
  });

  staffRoute(app, 'GET', `${TOPICS_PATH}/:id/publish`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, topicBack(c, id), async () => {
      const preview = await previewPublication(
        requestCtx(deps, c),
        { topicId: id, timeZone },
        noticeEnv(deps),
      );
      return c.html(<PublishPage layout={deliberationLayout(deps, c)} f={f(c)} preview={preview} />);
    });
  });

  staffRoute(app, 'POST', `${TOPICS_PATH}/:id/publish`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, topicBack(c, id), async () => {
      const ctx = requestCtx(deps, c);
      const body = await readForm(c);
      const values = {
        gridIds: many(body, 'gridIds'),
        communityIds: many(body, 'communityIds'),
        note: one(body, 'note'),
      };
      try {
        const { topic } = await publishTopicAndNotify(
          ctx,
          { topicId: id, timeZone, ...values },
          noticeEnv(deps),
        );
        return c.redirect(`${TOPICS_PATH}/${topic.id}?done=published`, 303);
      } catch (error) {
        if (!(error instanceof ServiceError) || error.code !== 'validation_failed') throw error;
        const preview = await previewPublication(ctx, { topicId: id, timeZone }, noticeEnv(deps));
        return c.html(
          <PublishPage
            layout={deliberationLayout(deps, c)}
            f={f(c)}
            preview={preview}
            errors={formErrors(error, c.get('t'), PUBLISH_FIELDS, 'audience')}
            values={values}
          />,
          400,
        );
      }
    });
  });

  staffRoute(app, 'GET', `${TOPICS_PATH}/:id/result`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, topicBack(c, id), async () => {
      const ctx = requestCtx(deps, c);
      const data = await getTopicDeliberation(ctx, { topicId: id, timeZone });
      if (data.topic.status !== 'deliberating') {
        throw new ServiceError('illegal_transition', 'topics:errors.illegalTransition', {
          params: { from: data.topic.status, to: 'result_published' },
        });
      }
      return c.html(
        <ResultPage
          layout={deliberationLayout(deps, c)}
          f={f(c)}
          data={data}
          values={{
            summary: { 'zh-CN': '', 'zh-HK': '', en: '' },
            voteIds: data.closedVotes.map((v) => v.id),
            note: '',
          }}
        />,
      );
    });
  });

  staffRoute(app, 'POST', `${TOPICS_PATH}/:id/result`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, topicBack(c, id), async () => {
      const ctx = requestCtx(deps, c);
      const body = await readForm(c);
      const values = {
        summary: {
          'zh-CN': one(body, 'summary.zh-CN'),
          'zh-HK': one(body, 'summary.zh-HK'),
          en: one(body, 'summary.en'),
        },
        voteIds: many(body, 'voteIds'),
        note: one(body, 'note'),
      };
      try {
        const { topic } = await publishTopicResult(
          ctx,
          { topicId: id, timeZone, ...values },
          noticeEnv(deps),
        );
        return c.redirect(`${TOPICS_PATH}/${topic.id}?done=resultPublished`, 303);
      } catch (error) {
        if (!(error instanceof ServiceError) || error.code !== 'validation_failed') throw error;
        const data = await getTopicDeliberation(ctx, { topicId: id, timeZone });
        return c.html(
          <ResultPage
            layout={deliberationLayout(deps, c)}
            f={f(c)}
            data={data}
            errors={formErrors(error, c.get('t'), RESULT_FIELDS, 'summary.zh-CN')}
            values={values}
          />,
          400,
        );
      }
    });
  });

  return app;
}
