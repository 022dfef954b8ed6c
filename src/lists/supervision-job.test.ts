/**
 * The daily job as the worker runs it: the maintenance queue's `supervise-lists` job flags what the
 * lists verb would, in the installation's time zone, writing followers' notices into the outbox.
 */
import { randomBytes } from 'node:crypto';
import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries } from '../db/schema.ts';
import { insertResidents, newPlace } from '../outreach/outreach-test-kit.ts';
import { runMaintenanceJob } from '../runtime/maintenance-jobs.ts';
import { createQueues, MAINTENANCE_JOBS, type Queues } from '../runtime/queues.ts';
import { systemCtx } from '../runtime/system-ctx.ts';
import { createTestAppDeps, type TestAppDeps } from '../testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createResponsibilityItem } from './create-responsibility-item.ts';
import { follow, topicWithResult } from './lists-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let queues: Queues;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  queues = createQueues(deps.redis, `test-lists-${randomBytes(4).toString('hex')}`);
  deps.clock.set('2026-09-01T02:00:00Z');
  const ctx = { ...systemCtx(deps, 'test'), clock: deps.clock };
  const { community } = await newPlace(database.db);
  const topic = await topicWithResult(ctx, community.id);
  const [resident] = await insertResidents(ctx, [{ communityId: community.id }]);
  await follow(database.db, topic.id, resident ?? '');
  deps.clock.set('2026-09-30T02:00:00Z');
  await createResponsibilityItem(ctx, {
    topicId: topic.id,
    title: '楼道照明',
    acceptanceCriteria: '灯都亮',
    department: '区住建局',
    deadlineWorkingDays: 1,
  });
});

afterAll(async () => {
  await queues?.close();
  await deps?.close();
  await database?.close();
});

describe('the supervise-lists maintenance job', () => {
  it('waits out the holiday, then flags the item once and writes the follower’s notice', async () => {
    // Due 8 October (the first working day after 30 September); on 7 October nothing is late.
    deps.clock.set('2026-10-07T00:30:00Z');
    expect(await runMaintenanceJob(deps, queues, MAINTENANCE_JOBS.superviseLists)).toMatchObject({
      today: '2026-10-07',
      flagged: { overdue: 0, no_response: 0 },
    });
    deps.clock.set('2026-10-09T00:30:00Z');
    expect(await runMaintenanceJob(deps, queues, MAINTENANCE_JOBS.superviseLists)).toMatchObject({
      today: '2026-10-09',
      flagged: { overdue: 1, no_response: 0 },
      noticesQueued: 1,
    });
    expect(await runMaintenanceJob(deps, queues, MAINTENANCE_JOBS.superviseLists)).toMatchObject({
      flagged: { overdue: 0 },
      noticesQueued: 0,
    });
    const notices = await database.db
      .select()
      .from(deliveries)
      .where(like(deliveries.purpose, 'supervision:%'));
    expect(notices.map((n) => n.status)).toEqual(['held_no_credentials']);
  });
});
