/**
 * The public website: what is open now and every way to take part, topics with their progress, and
 * the forms (opinion, report, survey, follow, home visit). Server-rendered HTML that works fully
 * without script. Mount at '/'. Every route carries its own middleware (no `use('*')`), so nothing
 * here touches the other channels' routes.
 */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { LocalizedText } from '../../src/db/schema.ts';
import { ingest } from '../../src/pipeline/ingest.ts';
import { type CommunitySummary, listCommunities } from '../../src/places/list-communities.ts';
import { listKioskLocations } from '../../src/places/list-kiosk-locations.ts';
import { createQueues, enqueueOutboxMessage, type Queues } from '../../src/runtime/queues.ts';
import { findSurveyByCode } from '../../src/surveys/find-survey-by-code.ts';
import { listTopicSurveys } from '../../src/surveys/list-topic-surveys.ts';
import { countTopicOpinions, type OpinionCounts } from '../../src/topics/count-topic-opinions.ts';
import { findTopicByCode } from '../../src/topics/find-topic-by-code.ts';
import { getTopic } from '../../src/topics/get-topic.ts';
import { listTopics } from '../../src/topics/list-topics.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { hasValidAnonymousCsrf, issueAnonymousCsrf } from '../http/csrf.ts';
import { currentDisplay } from '../http/display.ts';
import type { PageEnv } from '../http/env.ts';
import type { FieldError } from '../http/error-summary.tsx';
import { pageSetup } from '../http/pages.tsx';
import { registerSiteAssets } from '../http/site-css.ts';
import { ConfirmationPage, type Flow, type FlowRuntime, handleFlowPost, renderFlowStart } from './flow.tsx';
import { followFlow, opinionFlow, reportFlow, visitFlow } from './flows.tsx';
import { HomePage } from './home-page.tsx';
import { AccessibilityPage, MessagePage, PrivacyPage } from './info-pages.tsx';
import { DEFAULT_WEB_LIMITS, overLimit, type WebLimits } from './limits.ts';
import { MicroCache } from './micro-cache.ts';
import { SURVEY_TEXT_MAX, SurveyQuestionPage, surveyOptions } from './survey-page.tsx';
import { isPublicTopic, OPEN_STATUSES, PUBLIC_STATUSES } from './topic-card.tsx';
import { TopicPage } from './topic-page.tsx';
import { buildTimeline, type TimelineStage } from './topic-timeline.ts';
import { TopicsPage } from './topics-page.tsx';
import { dateFormat, residentCtx } from './web-context.ts';
import { pageBase } from './web-page.tsx';

export interface WebAppOptions {
  /** Overrides of the submission limits (tests use small ones). */
  limits?: Partial<WebLimits>;
  /** Prefix of the rate-limit counters in Redis, so separate installations or test runs never share them. */
  limitPrefix?: string;
  /** Hands a queued outbox message to the sender queue; by default, BullMQ on `deps.redis`. */
  enqueueOutbox?: (outboxId: string) => Promise<void>;
}

const COMMUNITIES_TTL_MS = 60_000;
const TOPIC_PAGE_TTL_MS = 2_000;

interface TopicPageData {
  topic: Topic;
  timeline: TimelineStage[];
  counts: OpinionCounts;
  surveys: { code: string; title: LocalizedText }[];
}

/** Largest form body accepted: far above any real answer, far below anything harmful. */
const MAX_FORM_BYTES = 64 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Page = Context<PageEnv>;

/** The public website as a Hono sub-app; mount it at '/'. */
export function createWebApp(deps: AppDeps, options: WebAppOptions = {}): Hono<PageEnv> {
  const app = new Hono<PageEnv>();
  registerSiteAssets(app);
  let queues: Queues | undefined;
  const rt: FlowRuntime = {
    deps,
    limits: { ...DEFAULT_WEB_LIMITS, ...options.limits },
    limitPrefix: options.limitPrefix ?? 'web:',
    enqueueOutbox:
      options.enqueueOutbox ??
      (async (outboxId) => {
        queues ??= createQueues(deps.redis, deps.config.queuePrefix);
        await enqueueOutboxMessage(queues, outboxId);
      }),
  };

  const page = pageSetup<PageEnv>(deps);
  const csrfGuard: MiddlewareHandler<PageEnv> = async (c, next) => {
    if (!(await hasValidAnonymousCsrf(c, deps.config))) return csrfRejected(c);
    await next();
  };
  /** Every form submission: page setup, a size limit, then the anti-forgery check. */
  const form = every(
    page,
    bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => c.text('Payload Too Large', 413) }),
    csrfGuard,
  ) as MiddlewareHandler<PageEnv>;

  const ctxOf = (c: Page): Ctx => residentCtx(deps, c);
  const datesOf = (c: Page) => dateFormat(c.get('locale'), deps.config.timeZone);
  const flowContext = (c: Page) => ({ deps, t: c.get('t'), locale: c.get('locale') });

  const message = (
    c: Page,
    status: 200 | 403 | 404 | 409,
    props: { title: string; paragraphs: string[]; links: { href: string; label: string }[] },
  ) => c.html(<MessagePage base={pageBase(deps, c)} {...props} />, status);

  const csrfRejected = (c: Page) => {
    const t = c.get('t');
    return message(c, 403, {
      title: t('site:csrf.title'),
      paragraphs: [t('site:csrf.body')],
      links: [{ href: c.req.path, label: t('site:csrf.retry') }],
    });
  };

  const topicNotFound = (c: Page, code: string) => {
    const t = c.get('t');
    return message(c, 404, {
      title: t('site:topic.notFoundTitle'),
      paragraphs: [t('site:topic.notFoundBody', { code })],
      links: [
        { href: '/topics', label: t('site:home.allTopics') },
        { href: '/', label: t('site:common.backHome') },
      ],
    });
  };

  const topicClosed = (c: Page, topic: Topic, status: 200 | 409) => {
    const t = c.get('t');
    return message(c, status, {
      title: t('site:opinion.closedTitle', { topicCode: topic.code }),
      paragraphs: [t('site:topic.notOpen')],
      links: [
        { href: `/topics/${topic.code}`, label: t('site:common.backToTopic', { topicCode: topic.code }) },
        { href: `/topics/${topic.code}/follow`, label: t('site:topic.follow') },
      ],
    });
  };

  const publicTopic = async (code: string): Promise<Topic | undefined> => {
    const topic = await findTopicByCode(deps.database.db, code);
    return topic && isPublicTopic(topic) ? topic : undefined;
  };

  // Communities change rarely; a topic page may be a couple of seconds behind (this process forgets
  // it at once when it stores an opinion). Both keep a crowd of readers from queueing on the database.
  const communityCache = new MicroCache<CommunitySummary[]>(COMMUNITIES_TTL_MS);
  const topicPageCache = new MicroCache<TopicPageData | undefined>(TOPIC_PAGE_TTL_MS);
  const topicHtmlCache = new MicroCache<string>(TOPIC_PAGE_TTL_MS);
  const forgetTopicPage = (code: string) => {
    topicPageCache.delete(code);
    topicHtmlCache.deleteWhere((key) => key.startsWith(`${code}|`));
  };
  const communitiesOf = (c: Page) => communityCache.get('all', () => listCommunities(ctxOf(c)));
  const communityNames = async (c: Page): Promise<Map<string, LocalizedText>> =>
    new Map((await communitiesOf(c)).map((row) => [row.id, row.name]));
  const topicPageData = (c: Page, code: string) =>
    topicPageCache.get(code, async () => {
      const topic = await publicTopic(code);
      if (!topic) return undefined;
      const ctx = ctxOf(c);
      const [{ timeline }, counts, surveys] = await Promise.all([
        getTopic(ctx, { topicId: topic.id }),
        countTopicOpinions(ctx, { topicId: topic.id }),
        listTopicSurveys(ctx, { topicId: topic.id }),
      ]);
      return { topic, timeline: buildTimeline(topic, timeline, deps.config.timeZone), counts, surveys };
    });

  app.get('/', page, async (c) => {
    const ctx = ctxOf(c);
    const [openTopics, names, kiosks] = await Promise.all([
      listTopics(ctx, { statuses: [...OPEN_STATUSES] }),
      communityNames(c),
      listKioskLocations(ctx),
    ]);
    return c.html(
      <HomePage
        base={pageBase(deps, c)}
        openTopics={openTopics}
        communityNames={names}
        kiosks={kiosks}
        smsNumber={deps.config.twilio?.smsFrom}
        phoneNumber={deps.config.twilio?.voiceFrom ?? deps.config.helpPhone}
        dates={datesOf(c)}
      />,
    );
  });

  app.get('/topics', page, async (c) => {
    const ctx = ctxOf(c);
    const communities = await communitiesOf(c);
    const statusParam = c.req.query('status') ?? '';
    const status = PUBLIC_STATUSES.find((s) => s === statusParam);
    const community = communities.find((row) => row.code === c.req.query('community'));
    const topics = await listTopics(ctx, {
      statuses: status ? [status] : [...PUBLIC_STATUSES],
      ...(community ? { communityId: community.id } : {}),
    });
    return c.html(
      <TopicsPage
        base={pageBase(deps, c)}
        topics={topics}
        communities={communities}
        filters={{ status: status ?? '', community: community?.code ?? '' }}
        dates={datesOf(c)}
      />,
    );
  });

  app.get('/topics/:code', page, async (c) => {
    const code = c.req.param('code');
    const data = await topicPageData(c, code);
    if (!data) return topicNotFound(c, code);
    const { topic } = data;
    if (code !== topic.code) return c.redirect(`/topics/${topic.code}`, 301);
    const base = pageBase(deps, c);
    const display = currentDisplay();
    // The page holds no form and nothing personal: the rendered HTML is shared for as long as the data.
    const key = `${topic.code}|${base.locale}|${display.textSize}|${display.contrast}|${base.currentPath}`;
    const html = await topicHtmlCache.get(key, async () => {
      const names = await communityNames(c);
      return String(
        await (
          <TopicPage
            base={base}
            topic={topic}
            communityName={topic.communityId ? names.get(topic.communityId) : undefined}
            counts={data.counts}
            timeline={data.timeline}
            surveys={data.surveys}
            dates={datesOf(c)}
          />
        ).toString(),
      );
    });
    return c.html(html);
  });

  /** Routes for one multi-page form: GET shows its first page, POST handles any page of it. */
  const flowRoutes = (path: string, build: (c: Page) => Promise<Flow | Response> | Flow | Response): void => {
    app.get(path, page, async (c) => {
      const flow = await build(c);
      return flow instanceof Response ? flow : renderFlowStart(rt, c, flow);
    });
    app.post(path, form, async (c) => {
      const flow = await build(c);
      return flow instanceof Response ? flow : handleFlowPost(rt, c, flow);
    });
  };

  flowRoutes('/topics/:code/opinion', async (c) => {
    const code = c.req.param('code') ?? '';
    const topic = await publicTopic(code);
    if (!topic) return topicNotFound(c, code);
    if (!OPEN_STATUSES.includes(topic.status))
      return topicClosed(c, topic, c.req.method === 'GET' ? 200 : 409);
    return { ...opinionFlow(flowContext(c), topic), afterComplete: () => forgetTopicPage(topic.code) };
  });

  flowRoutes('/topics/:code/follow', async (c) => {
    const code = c.req.param('code') ?? '';
    const topic = await publicTopic(code);
    if (!topic) return topicNotFound(c, code);
    return followFlow(flowContext(c), topic);
  });

  flowRoutes('/report', (c) => reportFlow(flowContext(c)));
  flowRoutes('/visit', (c) => visitFlow(flowContext(c)));

  const surveyNotFound = (c: Page, code: string) => {
    const t = c.get('t');
    return message(c, 404, {
      title: t('site:survey.notFoundTitle'),
      paragraphs: [t('site:survey.notFoundBody', { code })],
      links: [{ href: '/', label: t('site:common.backHome') }],
    });
  };

  app.get('/surveys/:code', page, async (c) => {
    const code = c.req.param('code');
    const found = await findSurveyByCode(ctxOf(c), { code });
    if (!found) return surveyNotFound(c, code);
    const first = found.questions[0];
    if (!first) {
      const t = c.get('t');
      return message(c, 200, {
        title: t('site:survey.title', { surveyCode: found.survey.code }),
        paragraphs: [t('site:survey.empty')],
        links: [{ href: '/', label: t('site:common.backHome') }],
      });
    }
    return renderSurveyQuestion(c, found, first.position, randomUUID(), '', [], 200);
  });

  app.post('/surveys/:code', form, async (c) => {
    const t = c.get('t');
    const code = c.req.param('code');
    const ctx = ctxOf(c);
    const found = await findSurveyByCode(ctx, { code });
    if (!found) return surveyNotFound(c, code);
    const body = await c.req.parseBody();
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const ref = UUID.test(field('ref')) ? field('ref') : randomUUID();
    const position = Number.parseInt(field('position'), 10);
    const question = found.questions.find((q) => q.position === position);
    const first = found.questions[0];
    if (!first) return surveyNotFound(c, code);
    if (!question) return renderSurveyQuestion(c, found, first.position, ref, '', [], 200);
    const answer = field('answer').replace(/\r\n?/g, '\n').trim();
    const problem = surveyAnswerProblem(t, question, answer);
    if (problem) {
      return renderSurveyQuestion(
        c,
        found,
        position,
        ref,
        answer,
        [{ field: 'answer', message: problem }],
        400,
      );
    }
    const wait = await overLimit(deps, ctx, c, {
      limits: rt.limits,
      prefix: rt.limitPrefix,
      name: 'submitPerIp',
    });
    if (wait !== undefined) {
      c.header('Retry-After', String(wait));
      const tooMany = t('site:rateLimited.body', {
        minutes: Math.max(1, Math.ceil(wait / 60)),
        helpPhone: deps.config.helpPhone,
      });
      return renderSurveyQuestion(
        c,
        found,
        position,
        ref,
        answer,
        [{ field: 'answer', message: tooMany }],
        429,
      );
    }
    await ingest(
      ctx,
      {
        channel: 'web',
        externalId: `${ref}:q${position}`,
        actor: ctx.actor,
        declaredKind: 'survey_answer',
        surveyRef: found.survey.code,
        questionRef: String(position),
        ...(question.kind === 'text' ? { text: answer } : { choice: answer }),
        language: c.get('locale'),
        receivedAt: ctx.clock.now(),
      },
      { helpPhone: deps.config.helpPhone },
    );
    const next = found.questions.find((q) => q.position > position);
    if (next) return renderSurveyQuestion(c, found, next.position, ref, '', [], 200);
    const topicCode = found.topicCode;
    return c.html(
      <ConfirmationPage
        base={pageBase(deps, c)}
        ref={ref}
        confirmation={{
          title: t('site:survey.doneTitle'),
          message: t('site:survey.doneBody', { surveyCode: found.survey.code }),
          details: [],
          next: t('site:survey.next'),
          links: [
            ...(topicCode
              ? [{ href: `/topics/${topicCode}`, label: t('site:common.backToTopic', { topicCode }) }]
              : []),
            { href: '/', label: t('site:common.backHome') },
          ],
        }}
      />,
    );
  });

  const renderSurveyQuestion = (
    c: Page,
    found: NonNullable<Awaited<ReturnType<typeof findSurveyByCode>>>,
    position: number,
    ref: string,
    value: string,
    errors: FieldError[],
    status: 200 | 400 | 429,
  ) => {
    const question = found.questions.find((q) => q.position === position);
    if (!question) throw new Error(`survey ${found.survey.code} has no question ${position}`);
    const base = pageBase(deps, c);
    return c.html(
      <SurveyQuestionPage
        base={base}
        csrfToken={issueAnonymousCsrf(c, deps.config)}
        surveyCode={found.survey.code}
        surveyTitle={found.survey.title[base.locale] ?? found.survey.title['zh-CN'] ?? ''}
        question={question}
        count={found.questions.length}
        ref={ref}
        value={value}
        errors={errors}
      />,
      status,
    );
  };

  app.get('/accessibility', page, (c) => c.html(<AccessibilityPage base={pageBase(deps, c)} />));
  app.get('/privacy', page, (c) => c.html(<PrivacyPage base={pageBase(deps, c)} />));

  return app;
}

function surveyAnswerProblem(
  t: (key: string, params?: Record<string, unknown>) => string,
  question: { kind: 'satisfaction' | 'yes_no' | 'text' },
  answer: string,
): string | undefined {
  if (question.kind === 'text') {
    if (!answer) return t('site:survey.textRequired');
    if ([...answer].length > SURVEY_TEXT_MAX) return t('site:common.tooLong', { max: SURVEY_TEXT_MAX });
    return undefined;
  }
  if (!answer) return t('site:survey.answerRequired');
  return surveyOptions(t, question).some((o) => o.value === answer) ? undefined : t('site:common.chooseOne');
}
