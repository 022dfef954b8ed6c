/**
 * Builders for deliberation tests: a community with grids and residents, needs sent in through the real
 * `ingest`, and staff contexts. Test-only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ManualClock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import type { DbOrTx } from '../db/database.ts';
import { communities, grids, type StaffRole, staff, streets } from '../db/schema.ts';
import { insertResidents, type ResidentSpec } from '../outreach/outreach-test-kit.ts';
import { ingest } from '../pipeline/ingest.ts';
import { createTestCtx } from '../testing/test-context.ts';

export interface TestPlace {
  communityId: string;
  gridIds: [string, string];
}

/** A street with one community (幸福里社区) and two grids. */
export async function newCommunity(db: DbOrTx, name = '幸福里社区'): Promise<TestPlace> {
  const tag = randomBytes(4).toString('hex');
  const [street] = await db
    .insert(streets)
    .values({ code: `st-${tag}`, name: { 'zh-CN': '长安街道' } })
    .returning();
  const [community] = await db
    .insert(communities)
    .values({ streetId: street!.id, code: `co-${tag}`, name: { 'zh-CN': name, en: 'Xingfuli Community' } })
    .returning();
  const inserted = await db
    .insert(grids)
    .values([
      { communityId: community!.id, code: `g1-${tag}`, name: { 'zh-CN': '第一网格', en: 'Grid 1' } },
      { communityId: community!.id, code: `g2-${tag}`, name: { 'zh-CN': '第二网格', en: 'Grid 2' } },
    ])
    .returning();
  return { communityId: community!.id, gridIds: [inserted[0]!.id, inserted[1]!.id] };
}

/** Residents of a grid (with phones unless told otherwise). */
export async function residentsIn(
  ctx: Ctx,
  place: TestPlace,
  grid: 0 | 1,
  count: number,
  extra: ResidentSpec = {},
) {
  return insertResidents(
    ctx,
    Array.from({ length: count }, () => ({
      communityId: place.communityId,
      gridId: place.gridIds[grid],
      ...extra,
    })),
  );
}

/** A need as a resident sends it by SMS, through the pipeline. Returns the intake id. */
export async function sendNeed(
  ctx: Ctx,
  residentId: string,
  text: string,
  receivedAt: Date,
): Promise<string> {
  const result = await ingest(ctx, {
    channel: 'sms',
    externalId: `SM${randomUUID().replaceAll('-', '')}`,
    actor: { type: 'resident', via: 'sms', residentId },
    declaredKind: 'text',
    text,
    language: 'zh-CN',
    receivedAt,
  });
  return result.intakeId;
}

/** A staff member in the database and a context acting as them on the same clock. */
export async function staffCtx(
  base: Ctx & { clock: ManualClock },
  roles: StaffRole[],
  communityIds: string[] = [],
): Promise<Ctx & { clock: ManualClock }> {
  const [row] = await base.db
    .insert(staff)
    .values({
      username: `s-${randomBytes(5).toString('hex')}`,
      displayName: '李书记',
      passwordHash: 'not-used',
      roles,
      communityIds,
    })
    .returning();
  return createTestCtx(base.db, { clock: base.clock, actor: { type: 'staff', staffId: row!.id, roles } });
}
