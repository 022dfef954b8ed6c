/**
 * Topics through deliberation at /console/topics: the list with results overdue, one topic, taking it
 * into screening, publishing it with its notice, publishing its result with the tallies; and JSON for
 * the list and one topic. Every route is a staffRoute.
 */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
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

interface PublishValues {
  gridIds: string[];
  communityIds: string[];
  note: string;
}

/** What a form sent and why its verb refused it. */
export interface RefusedForm<V> {
  error: ServiceError;
  values: V;
}

/**
 * A form about one topic whose verb also sends a notice, posted to `<TOPICS_PATH>/:id/<path>`: read
 * once, its values go to the verb, then the browser goes on to the page `next` names; when the verb
 * refuses them, they go back into the form with the problems.
 */
export function topicForm<V, R>(
  app: Hono<StaffEnv>,
  deps: AppDeps,
  path: string,
  form: {
    read: (body: FormBody) => V;
    verb: (ctx: Ctx, input: V & { topicId: string; timeZone: string }, env: NoticeEnv) => Promise<R>;
    next: (result: R) => string;
    refused: (c: Context<StaffEnv>, topicId: string, refused: RefusedForm<V>) => Promise<Response>;
  },
): void {
  staffRoute(app, 'POST', `${TOPICS_PATH}/:id/${path}`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    const back = { href: `${TOPICS_PATH}/${id}`, label: c.get('t')('deliberation:refused.backToTopic') };
    return orRefusal(deps, c, back, async () => {
      const values = form.read(await readForm(c));
      const input = { ...values, topicId: id, timeZone: deps.config.timeZone };
      return afterForm(
        c,
        async () => form.next(await form.verb(requestCtx(deps, c), input, noticeEnv(deps))),
        (error) => form.refused(c, id, { error, values }),
      );
    });
  });
}

/** The places a notice goes to, as the audience checkboxes sent them. */
export function audienceFrom(body: FormBody): { gridIds: string[]; communityIds: string[] } {
  return { gridIds: many(body, 'gridIds'), communityIds: many(body, 'communityIds') };
}

/**
 * A topic's publication preview for a page that shows it, with what a refused form sent and its
 * problems (in the order of `fields`), and the status the page goes out with.
 */
export async function previewWith<V>(
  deps: AppDeps,
  c: Context<StaffEnv>,
  topicId: string,
  refused: RefusedForm<V> | undefined,
  fields: readonly string[],
  fallbackField: string,
) {
  const ctx = requestCtx(deps, c);
  const preview = await previewPublication(ctx, { topicId, timeZone: deps.config.timeZone }, noticeEnv(deps));
  const form = refused && {
    errors: formErrors(refused.error, c.get('t'), fields, fallbackField),
    values: refused.values,
  };
  return { preview, form, status: form ? (400 as const) : (200 as const) };
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

  const renderPublish = async (
    c: Context<StaffEnv>,
    topicId: string,
    refused?: RefusedForm<PublishValues>,
  ) => {
    const { preview, form, status } = await previewWith(
      deps,
      c,
      topicId,
      refused,
      PUBLISH_FIELDS,
      'audience',
    );
    return c.html(
      <PublishPage layout={deliberationLayout(deps, c)} f={f(c)} preview={preview} {...form} />,
      status,
    );
  };

  staffRoute(app, 'GET', `${TOPICS_PATH}/:id/publish`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, topicBack(c, id), () => renderPublish(c, id));
  });

  topicForm(app, deps, 'publish', {
    read: (body): PublishValues => ({ ...audienceFrom(body), note: one(body, 'note') }),
    verb: publishTopicAndNotify,
    next: ({ topic }) => `${TOPICS_PATH}/${topic.id}?done=published`,
    refused: (c, topicId, refused) => renderPublish(c, topicId, refused),
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

  topicForm(app, deps, 'result', {
    read: (body) => ({
      summary: {
        'zh-CN': one(body, 'summary.zh-CN'),
        'zh-HK': one(body, 'summary.zh-HK'),
        en: one(body, 'summary.en'),
      },
      voteIds: many(body, 'voteIds'),
      note: one(body, 'note'),
    }),
    verb: publishTopicResult,
    next: ({ topic }) => `${TOPICS_PATH}/${topic.id}?done=resultPublished`,
    refused: async (c, topicId, { error, values }) =>
      c.html(
        <ResultPage
          layout={deliberationLayout(deps, c)}
          f={f(c)}
          data={await getTopicDeliberation(requestCtx(deps, c), { topicId, timeZone })}
          errors={formErrors(error, c.get('t'), RESULT_FIELDS, 'summary.zh-CN')}
          values={values}
        />,
        400,
      ),
  });

  return app;
}
