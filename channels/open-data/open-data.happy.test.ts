/**
 * The open-data API against its own OpenAPI document: every served route is documented, every
 * documented path answers, and every answer conforms to the documented schema for its status.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../src/app.ts';
import { communities } from '../../src/db/schema.ts';
import { completeResponsibilityItem } from '../../src/lists/complete-responsibility-item.ts';
import { createResponsibilityItem } from '../../src/lists/create-responsibility-item.ts';
import { contribute, topicWithResult } from '../../src/lists/lists-test-kit.ts';
import { superviseResponsibilityItems } from '../../src/lists/supervise-responsibility-items.ts';
import { insertResidents, newPlace } from '../../src/outreach/outreach-test-kit.ts';
import { setAffectedGroups } from '../../src/participation/set-affected-groups.ts';
import type { TestAppDeps } from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import { createTopicInStatus } from '../../src/topics/topic-fixtures.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { depsCtx } from '../console/console-test-kit.ts';
import { listsTestApp } from '../console/lists-test-kit.ts';
import { checkSchema } from './json-schema-check.ts';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, Schemaish> }>
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
};
type Schemaish = { content?: { 'application/json'?: { schema: Record<string, unknown> } } };

let database: TestDatabase;
let deps: TestAppDeps;
let app: ReturnType<typeof createApp>;
let doc: Doc;
let topic: Topic;
let hidden: Topic;

const ctx = () => ({ ...depsCtx(deps), clock: deps.clock });

beforeAll(async () => {
  ({ database, deps, app } = await listsTestApp());
  const { community } = await newPlace(database.db);
  await database.db
    .update(communities)
    .set({ profile: { total: 100, elderly: 30 } })
    .where(eq(communities.id, community.id));
  topic = await topicWithResult(ctx(), community.id);
  hidden = await createTopicInStatus(ctx(), 'screening');
  const [a, b] = await insertResidents(depsCtx(deps), [
    { communityId: community.id, groups: ['elderly'], name: '张阿姨' },
    { communityId: community.id, name: '李先生' },
  ]);
  await contribute(database.db, {
    residentId: a ?? null,
    topicId: topic.id,
    how: 'opinion',
    channel: 'voice',
  });
  await contribute(database.db, { residentId: b ?? null, topicId: topic.id, how: 'vote', channel: 'kiosk' });
  await contribute(database.db, { residentId: null, topicId: topic.id, how: 'opinion', channel: 'kiosk' });
  await setAffectedGroups(ctx(), { topicId: topic.id, groups: ['elderly'] });
  deps.clock.set('2026-09-28T02:00:00Z');
  const done = await createResponsibilityItem(ctx(), {
    topicId: topic.id,
    title: '楼道照明',
    acceptanceCriteria: '灯都亮',
    department: '区住建局',
    deadlineWorkingDays: 2,
  });
  await createResponsibilityItem(ctx(), {
    topicId: topic.id,
    title: '加装扶手',
    acceptanceCriteria: '每层都有扶手',
    department: '区民政局',
    cooperatingDepartments: ['区住建局'],
    deadlineWorkingDays: 3,
  });
  deps.clock.set('2026-10-12T02:00:00Z');
  await superviseResponsibilityItems(
    depsCtx(deps),
    {},
    { i18n: deps.i18n, defaultLocale: 'zh-CN', senders: {} },
  );
  await completeResponsibilityItem(ctx(), { itemId: done.item.id, note: '已修好', department: '区住建局' });
  doc = (await (await app.request('/api/open/openapi.json')).json()) as Doc;
});

afterAll(async () => {
  await deps.close();
  await database.close();
});

/** A concrete URL for a documented path. */
function concrete(path: string): string {
  return path.replace('{code}', topic.code);
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a schema for every JSON answer', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain('200');
        for (const response of Object.values(operation.responses)) {
          expect(response.content?.['application/json']?.schema, `${method} ${path}`).toBeDefined();
        }
      }
    }
  });

  it('documents exactly the routes the application serves under /api/open', () => {
    const served = new Set(
      app.routes
        .filter((r) => r.path.startsWith('/api/open/') && r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    expect([...served].sort()).toEqual([...documented].sort());
  });
});

describe('every documented path', () => {
  it('answers 200 with a body that conforms to its documented schema', async () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      const operation = methods.get;
      if (!operation) continue;
      const res = await app.request(concrete(path), { headers: { accept: 'application/json' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('application/json');
      expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
      const schema = operation.responses['200']?.content?.['application/json']?.schema ?? {};
      expect(checkSchema(await res.json(), schema, doc as unknown as Record<string, unknown>), path).toEqual(
        [],
      );
    }
  });

  it('answers documented errors with the documented error schema', async () => {
    for (const url of [
      `/api/open/topics/${hidden.code}/participation`,
      '/api/open/topics/T99999/participation',
      `/api/open/responsibility-items?topic=${hidden.code}`,
    ]) {
      const res = await app.request(url, { headers: { accept: 'application/json' } });
      expect(res.status, url).toBe(404);
      expect(
        checkSchema(
          await res.json(),
          { $ref: '#/components/schemas/Error' },
          doc as unknown as Record<string, unknown>,
        ),
        url,
      ).toEqual([]);
    }
  });

  it('is checked strictly: an undocumented field or a wrong type is caught', () => {
    const root = doc as unknown as Record<string, unknown>;
    const schema = { $ref: '#/components/schemas/Supervision' };
    expect(checkSchema({ asOf: '2026-10-12', flags: [], note: 'x' }, schema, root)).toEqual([
      '$: undocumented property note',
    ]);
    expect(checkSchema({ asOf: 20261012, flags: [] }, schema, root)[0]).toMatch(/expected string/);
  });
});

describe('what the answers say', () => {
  it('gives the KPIs in the language asked for, with their definitions', async () => {
    const body = (await (await app.request('/api/open/kpis?lang=en')).json()) as {
      language: string;
      kpis: {
        id: string;
        name: string;
        definition: string;
        numerator: number | null;
        denominator: number | null;
      }[];
    };
    expect(body.language).toBe('en');
    const plan = body.kpis.find((k) => k.id === 'plan_formation_rate');
    expect(plan).toMatchObject({ name: 'Plan formation rate', numerator: 1, denominator: 1 });
    expect(plan?.definition).toMatch(/^Of all topics whose result has been published/);
  });

  it('lists items, flags and satisfaction by code, unit and date', async () => {
    const items = (await (
      await app.request(`/api/open/responsibility-items?topic=${topic.code}`)
    ).json()) as {
      items: { department: string; state: string; dueOn: string }[];
    };
    expect(items.items.map((i) => [i.department, i.state])).toEqual([
      ['区住建局', 'completed_late'],
      ['区民政局', 'overdue'],
    ]);
    const supervision = (await (await app.request('/api/open/supervision')).json()) as {
      flags: { department: string; kind: string; handling: string }[];
    };
    expect(supervision.flags.map((f) => [f.kind, f.department, f.handling])).toEqual([
      ['overdue', '区民政局', 'waiting'],
      ['overdue', '区住建局', 'answered'],
    ]);
  });

  it('counts who was heard on a public topic without naming anyone', async () => {
    const res = await app.request(`/api/open/topics/${topic.code.toLowerCase()}/participation`);
    const body = (await res.json()) as {
      participants: number;
      anonymousContributions: number;
      groups: { group: string; heard: number; underHeard: boolean | null; affected: boolean }[];
      channels: { channel: string }[];
    };
    expect(body).toMatchObject({ participants: 2, anonymousContributions: 1 });
    expect(body.groups.find((g) => g.group === 'elderly')).toMatchObject({
      heard: 1,
      affected: true,
      underHeard: false,
    });
    expect(body.channels.map((c) => c.channel)).toEqual(['kiosk', 'voice']);
  });
});
