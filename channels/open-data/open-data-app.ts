/**
 * The open-data API (/api/open/*): public, aggregate, read-only JSON, described by the OpenAPI
 * document it serves. No sign-in; the system reads on the public's behalf and every answer goes
 * through its documented schema, which has no place for personal data.
 */
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { ServiceError } from '../../src/core/errors.ts';
import { type Locale, PARTICIPANT_GROUPS, type TopicStatus } from '../../src/db/schema.ts';
import { isLocale } from '../../src/i18n/i18n.ts';
import { computeKpis } from '../../src/kpi/compute-kpis.ts';
import { listEvaluation } from '../../src/lists/list-evaluation.ts';
import { itemTerms, listResponsibilityItems } from '../../src/lists/list-responsibility-items.ts';
import { listSupervision } from '../../src/lists/list-supervision.ts';
import { CONTRIBUTION_KINDS } from '../../src/participation/contributions.ts';
import { getParticipationBalance } from '../../src/participation/get-participation-balance.ts';
import { findTopicByCode } from '../../src/topics/find-topic-by-code.ts';
import { MicroCache } from '../web/micro-cache.ts';
import {
  evaluationResponse,
  kpisResponse,
  participationResponse,
  responsibilityItemsResponse,
  supervisionResponse,
} from './open-data-schemas.ts';
import { OPEN_DATA_PREFIX, openApiDocument } from './openapi.ts';

/** Topics the public may see: from publication on (collecting and screening are internal). */
export const PUBLIC_TOPIC_STATUSES: readonly TopicStatus[] = [
  'published',
  'deliberating',
  'result_published',
  'implementing',
  'evaluating',
  'closed',
];

export interface OpenDataOptions {
  /** How long an answer may be reused for other readers (0 in tests that change data between reads). */
  cacheMs?: number;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}

function notPublic(): ServiceError {
  return new ServiceError('not_found', 'lists:errors.noPublicTopic');
}

/** The open-data API as a Hono sub-app; mount it at '/'. */
export function createOpenDataApp(deps: AppDeps, options: OpenDataOptions = {}): Hono {
  const app = new Hono();
  const cache = new MicroCache<unknown>(options.cacheMs ?? 10_000, 200);
  const timeZone = deps.config.timeZone;
  const ctx = (): Ctx => ({
    actor: { type: 'system', job: 'open-data' },
    db: deps.database.db,
    clock: deps.clock,
    log: deps.log.child({ component: 'open-data' }),
    pii: deps.pii,
  });

  app.use(`${OPEN_DATA_PREFIX}/*`, async (c, next) => {
    await next();
    c.header('Access-Control-Allow-Origin', '*');
    c.header('X-Content-Type-Options', 'nosniff');
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=60');
  });

  /** Sends `load`'s answer, shared between readers for a few seconds, through its documented schema. */
  const send = async <S extends z.ZodType>(
    c: Context,
    key: string,
    schema: S,
    load: () => Promise<z.input<S>>,
  ) => {
    const body = await cache.get(key, async () => schema.parse(await load()));
    return c.json(body as object);
  };

  app.get(`${OPEN_DATA_PREFIX}/openapi.json`, (c) => c.json(openApiDocument()));

  app.get(`${OPEN_DATA_PREFIX}/kpis`, (c) => {
    const asked = c.req.query('lang');
    const language: Locale = isLocale(asked) ? asked : deps.config.defaultLocale;
    const t = deps.i18n.forLocale(language);
    return send(c, `kpis:${language}`, kpisResponse, async () => {
      const report = await computeKpis(ctx(), { timeZone });
      return {
        asOf: report.today,
        language,
        kpis: report.kpis.map((k) => ({
          id: k.id,
          name: t(`kpi:names.${k.id}`),
          definition: t(`kpi:definitions.${k.id}`),
          group: k.group,
          unit: k.unit,
          value: round(k.value),
          numerator: k.numerator,
          denominator: k.denominator,
          sample: k.sample,
          target: k.target,
          comparison: k.comparison,
          met: k.met,
        })),
        attendanceByGroup: PARTICIPANT_GROUPS.map((group) => ({
          group,
          attendances: report.attendance[group] ?? 0,
        })),
      };
    });
  });

  app.get(`${OPEN_DATA_PREFIX}/responsibility-items`, async (c) => {
    const code = c.req.query('topic');
    let topicId: string | undefined;
    if (code !== undefined) {
      const topic = await findTopicByCode(deps.database.db, code);
      if (!topic || !PUBLIC_TOPIC_STATUSES.includes(topic.status)) throw notPublic();
      topicId = topic.id;
    }
    return send(c, `items:${topicId ?? 'all'}`, responsibilityItemsResponse, async () => {
      const { today, items } = await listResponsibilityItems(ctx(), {
        timeZone,
        ...(topicId ? { topicId } : {}),
      });
      return {
        asOf: today,
        items: items
          .filter((i) => PUBLIC_TOPIC_STATUSES.includes(i.topic.status))
          .map((i) => ({
            code: i.code,
            topicCode: i.topic.code,
            ...itemTerms(i),
            completedOn: i.completedOn,
          })),
      };
    });
  });

  app.get(`${OPEN_DATA_PREFIX}/supervision`, (c) =>
    send(c, 'supervision', supervisionResponse, async () => {
      const data = await listSupervision(ctx(), { timeZone, handledLimit: 500 });
      return {
        asOf: data.today,
        flags: [...data.open, ...data.handled].map((e) => ({
          itemCode: e.item.code,
          topicCode: e.topic.code,
          kind: e.kind,
          department: e.department,
          missedOn: e.missedOn,
          flaggedOn: e.flaggedOn,
          handling: e.resolvedAt
            ? ('answered' as const)
            : e.acknowledgedAt
              ? ('taken_up' as const)
              : ('waiting' as const),
        })),
      };
    }),
  );

  app.get(`${OPEN_DATA_PREFIX}/evaluation`, (c) =>
    send(c, 'evaluation', evaluationResponse, async () => {
      const data = await listEvaluation(ctx(), { timeZone });
      const satisfaction = (s: { answers: number; satisfied: number; rate: number | null }) => ({
        answers: s.answers,
        satisfied: s.satisfied,
        rate: round(s.rate),
      });
      return {
        asOf: data.today,
        topics: data.topics.map((r) => ({
          topicCode: r.topic.code,
          status: r.topic.status,
          items: r.items,
          completed: r.completed,
          completedOnTime: r.completedOnTime,
          surveyMessagesSent: r.deliveriesSent,
          respondents: r.respondents,
          satisfaction: satisfaction(r.satisfaction),
        })),
        departments: data.departments.map((d) => ({
          department: d.department,
          topics: d.topics,
          items: d.items,
          leads: d.leads,
          completed: d.completed,
          completedOnTime: d.completedOnTime,
          overdue: d.overdue,
          satisfaction: satisfaction(d.satisfaction),
        })),
      };
    }),
  );

  app.get(`${OPEN_DATA_PREFIX}/topics/:code/participation`, async (c) => {
    const topic = await findTopicByCode(deps.database.db, c.req.param('code') ?? '');
    if (!topic || !PUBLIC_TOPIC_STATUSES.includes(topic.status)) throw notPublic();
    const language: Locale = deps.config.defaultLocale;
    return send(c, `participation:${topic.id}`, participationResponse, async () => {
      const b = await getParticipationBalance(ctx(), { topicId: topic.id });
      return {
        topicCode: b.topic.code,
        status: b.topic.status,
        baseline: { scope: b.baseline.scope, residents: b.baseline.profile.total ?? 0 },
        participants: b.heard.participants,
        contributions: b.heard.contributions,
        anonymousContributions: b.heard.anonymousContributions,
        underHeardRule: deps.i18n.forLocale(language)('lists:balance.rule'),
        groups: b.groups.map((g) => ({
          group: g.group,
          affected: g.affected,
          communityResidents: g.communityCount,
          communityShare: round(g.communityShare),
          heard: g.heard,
          heardShare: round(g.heardShare) ?? 0,
          underHeard: g.underHeard,
        })),
        channels: b.heard.byChannel,
        kinds: CONTRIBUTION_KINDS.map((kind) => ({ kind, contributions: b.heard.byKind[kind] })),
      };
    });
  });

  return app;
}
