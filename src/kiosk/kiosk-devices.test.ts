import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../core/errors.ts';
import { auditLog, communities, kioskDevices, streets } from '../db/schema.ts';
import { newStaffMember } from '../proxy/proxy-test-kit.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { activateKioskDevice } from './activate-kiosk-device.ts';
import { authenticateKioskDevice } from './authenticate-kiosk-device.ts';
import { deactivateKioskDevice } from './deactivate-kiosk-device.ts';
import { hashKioskToken } from './kiosk-device.ts';
import { listKioskCommunities } from './list-kiosk-communities.ts';
import { listKioskDevices } from './list-kiosk-devices.ts';
import { registerKioskDevice } from './register-kiosk-device.ts';

let database: TestDatabase;
let communityId: string;
const secretary = {
  type: 'staff',
  staffId: '5b0e7c1a-0000-4000-8000-000000000001',
  roles: ['community_secretary'],
} as const;

beforeAll(async () => {
  database = await createTestDatabase();
  const [street] = await database.db
    .insert(streets)
    .values({ code: 'KS', name: { 'zh-CN': '测试街道' } })
    .returning();
  const [community] = await database.db
    .insert(communities)
    .values({ streetId: street!.id, code: 'KS-01', name: { 'zh-CN': '幸福社区', en: 'Xingfu' } })
    .returning();
  communityId = community!.id;
});
afterAll(async () => {
  await database.close();
});

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

function ctx(options: Parameters<typeof createTestCtx>[1] = {}) {
  return createTestCtx(database.db, { actor: { ...secretary, roles: [...secretary.roles] }, ...options });
}

describe('registerKioskDevice', () => {
  it('returns the token once and stores only its hash, with an audit entry that holds neither', async () => {
    const { device, token } = await registerKioskDevice(ctx(), {
      label: '  超市入口  ',
      location: { 'zh-CN': '幸福超市一楼', 'zh-HK': '', en: 'Xingfu supermarket, ground floor' },
      communityId,
    });
    expect(device).toMatchObject({
      label: '超市入口',
      location: { 'zh-CN': '幸福超市一楼', en: 'Xingfu supermarket, ground floor' },
      communityId,
      active: true,
      lastSeenAt: null,
    });
    expect(token).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){5}$/);
    const [row] = await database.db.select().from(kioskDevices).where(eq(kioskDevices.id, device.id));
    expect(row?.tokenHash).toBe(hashKioskToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const audits = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, device.id));
    expect(audits.map((a) => a.action)).toEqual(['kiosk.registered']);
    expect(audits[0]?.actor).toMatchObject({ type: 'staff', staffId: secretary.staffId });
    expect(JSON.stringify(audits[0]?.data)).not.toContain(token);
    expect(JSON.stringify(audits[0]?.data)).not.toContain(row?.tokenHash);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('gives every device a different token', async () => {
    const a = await registerKioskDevice(ctx(), { label: 'A', location: { 'zh-CN': '广场东' } });
    const b = await registerKioskDevice(ctx(), { label: 'B', location: { 'zh-CN': '广场西' } });
    expect(a.token).not.toBe(b.token);
    expect(a.device.communityId).toBeNull();
  });

  it('names each missing or wrong field', async () => {
    const error = await rejection(
      registerKioskDevice(ctx(), { label: ' ', location: { 'zh-CN': '' }, communityId: 'not-a-community' }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.fields.map((f) => [f.field, f.key])).toEqual([
      ['label', 'kiosk:register.labelRequired'],
      ['location.zh-CN', 'kiosk:register.locationRequired'],
    ]);
    const unknown = await rejection(
      registerKioskDevice(ctx(), {
        label: 'X',
        location: { 'zh-CN': '某处' },
        communityId: '00000000-0000-4000-8000-000000000000',
      }),
    );
    expect(unknown.fields).toEqual([{ field: 'communityId', key: 'kiosk:register.unknownCommunity' }]);
  });

  it('is refused to staff who do not manage kiosks and to residents', async () => {
    const gridWorker = createTestCtx(database.db, {
      actor: { type: 'staff', staffId: secretary.staffId, roles: ['grid_worker'] },
    });
    expect(
      (await rejection(registerKioskDevice(gridWorker, { label: 'X', location: { 'zh-CN': 'x' } }))).code,
    ).toBe('forbidden');
    const resident = createTestCtx(database.db, { actor: { type: 'resident', via: 'kiosk' } });
    expect((await rejection(listKioskDevices(resident))).code).toBe('forbidden');
  });
});

describe('authenticateKioskDevice', () => {
  it('finds the device by its token however it is typed, and records when it was last seen', async () => {
    const c = ctx();
    const { device, token } = await registerKioskDevice(c, {
      label: 'Auth',
      location: { 'zh-CN': '活动室' },
    });
    const typed = ` ${token.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o')} `;
    const found = await authenticateKioskDevice(c, { token: typed });
    expect(found.id).toBe(device.id);
    expect(found.lastSeenAt?.toISOString()).toBe(c.clock.now().toISOString());

    c.clock.advance(10_000);
    await authenticateKioskDevice(c, { token, deviceId: device.id });
    const [soon] = await database.db.select().from(kioskDevices).where(eq(kioskDevices.id, device.id));
    expect(soon?.lastSeenAt?.toISOString()).toBe(found.lastSeenAt?.toISOString());

    c.clock.advance(120_000);
    await authenticateKioskDevice(c, { token });
    const [later] = await database.db.select().from(kioskDevices).where(eq(kioskDevices.id, device.id));
    expect(later?.lastSeenAt?.toISOString()).toBe(c.clock.now().toISOString());
  });

  it('refuses an unknown token, an empty one, and a token presented for another device', async () => {
    const c = ctx();
    const a = await registerKioskDevice(c, { label: 'A2', location: { 'zh-CN': '甲' } });
    const b = await registerKioskDevice(c, { label: 'B2', location: { 'zh-CN': '乙' } });
    for (const input of [
      { token: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF' },
      { token: '' },
      { token: a.token, deviceId: b.device.id },
    ]) {
      const error = await rejection(authenticateKioskDevice(c, input));
      expect(error.code).toBe('unauthenticated');
      expect(error.messageKey).toBe('kiosk:errors.unknownDevice');
    }
  });

  it('refuses a deactivated device', async () => {
    const c = ctx();
    const { device, token } = await registerKioskDevice(c, { label: 'Gone', location: { 'zh-CN': '旧址' } });
    await deactivateKioskDevice(c, { deviceId: device.id });
    const error = await rejection(authenticateKioskDevice(c, { token }));
    expect(error.code).toBe('unauthenticated');
    expect(error.messageKey).toBe('kiosk:errors.deviceInactive');
  });
});

describe('activateKioskDevice', () => {
  it('audits the token being entered on a screen, and refuses a wrong pairing without auditing', async () => {
    const c = ctx();
    const { device, token } = await registerKioskDevice(c, { label: 'Act', location: { 'zh-CN': '门厅' } });
    const other = await registerKioskDevice(c, { label: 'Other', location: { 'zh-CN': '门外' } });
    await rejection(activateKioskDevice(c, { token, deviceId: other.device.id }));
    await activateKioskDevice(c, { token, deviceId: device.id });
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, device.id));
    expect(audits.map((a) => a.action)).toEqual(['kiosk.registered', 'kiosk.activated']);
    const otherAudits = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, other.device.id));
    expect(otherAudits.map((a) => a.action)).toEqual(['kiosk.registered']);
  });
});

describe('deactivateKioskDevice', () => {
  it('deactivates once, audited once; a second call changes nothing', async () => {
    const c = ctx();
    const { device } = await registerKioskDevice(c, { label: 'Off', location: { 'zh-CN': '路口' } });
    expect((await deactivateKioskDevice(c, { deviceId: device.id })).active).toBe(false);
    expect((await deactivateKioskDevice(c, { deviceId: device.id })).active).toBe(false);
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, device.id));
    expect(audits.map((a) => a.action)).toEqual(['kiosk.registered', 'kiosk.deactivated']);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('reports an unknown device as not found', async () => {
    for (const deviceId of ['00000000-0000-4000-8000-000000000000', 'nonsense']) {
      expect((await rejection(deactivateKioskDevice(ctx(), { deviceId }))).code).toBe('not_found');
    }
  });
});

describe('listing', () => {
  it('lists active devices before inactive ones, without token hashes', async () => {
    const devices = await listKioskDevices(ctx());
    const firstInactive = devices.findIndex((d) => !d.active);
    expect(firstInactive).toBeGreaterThan(0);
    expect(devices.slice(firstInactive).every((d) => !d.active)).toBe(true);
    expect(devices.every((d) => !('tokenHash' in d))).toBe(true);
  });
});

describe('a secretary with communities of their own', () => {
  const place = { 'zh-CN': '社区服务站门口' };

  async function setUp() {
    const system = createTestCtx(database.db);
    const [street] = await database.db
      .insert(streets)
      .values({ code: `KS-${Date.now()}`, name: { 'zh-CN': '另一条街道' } })
      .returning();
    const [other] = await database.db
      .insert(communities)
      .values({ streetId: street!.id, code: `KS-X-${Date.now()}`, name: { 'zh-CN': '和平社区' } })
      .returning();
    const own = await newStaffMember(system, ['community_secretary'], { communityIds: [communityId] });
    const theirs = await registerKioskDevice(system, {
      label: '和平社区屏幕',
      location: place,
      communityId: other!.id,
    });
    const streetWide = await registerKioskDevice(system, { label: '街道大厅屏幕', location: place });
    return { system, own: own.ctx, otherId: other!.id, theirs: theirs.device, streetWide: streetWide.device };
  }

  it('registers screens in their own communities only, and must say which', async () => {
    const { own, otherId } = await setUp();
    const { device } = await registerKioskDevice(own, { label: '本社区屏幕', location: place, communityId });
    expect(device.communityId).toBe(communityId);

    const elsewhere = await rejection(
      registerKioskDevice(own, { label: '越界屏幕', location: place, communityId: otherId }),
    );
    expect(elsewhere.code).toBe('validation_failed');
    expect(elsewhere.fields).toEqual([{ field: 'communityId', key: 'kiosk:register.otherCommunity' }]);
    const nowhere = await rejection(registerKioskDevice(own, { label: '全街道屏幕', location: place }));
    expect(nowhere.fields).toEqual([{ field: 'communityId', key: 'kiosk:register.communityRequired' }]);
    const labels = (await listKioskDevices(createTestCtx(database.db))).map((d) => d.label);
    expect(labels).not.toContain('越界屏幕');
    expect(labels).not.toContain('全街道屏幕');
  });

  it("sees only their communities' screens, while the street office sees all", async () => {
    const { system, own, theirs, streetWide } = await setUp();
    const mine = await listKioskDevices(own);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((d) => d.communityId === communityId)).toBe(true);
    const everyone = (await listKioskDevices(system)).map((d) => d.id);
    expect(everyone).toEqual(expect.arrayContaining([theirs.id, streetWide.id]));
  });

  it("cannot switch off another community's screen or a street-wide one", async () => {
    const { own, theirs, streetWide } = await setUp();
    for (const device of [theirs, streetWide]) {
      const refused = await rejection(deactivateKioskDevice(own, { deviceId: device.id }));
      expect(refused.code).toBe('forbidden');
      expect(refused.messageKey).toBe('kiosk:errors.otherCommunity');
      const [row] = await database.db.select().from(kioskDevices).where(eq(kioskDevices.id, device.id));
      expect(row?.active).toBe(true);
    }
    const { device } = await registerKioskDevice(own, { label: '可停用', location: place, communityId });
    expect((await deactivateKioskDevice(own, { deviceId: device.id })).active).toBe(false);
  });

  it('is offered only their communities on the form, without the whole-street choice', async () => {
    const { system, own, otherId } = await setUp();
    const offered = await listKioskCommunities(own);
    expect(offered).toEqual({
      communities: [expect.objectContaining({ id: communityId })],
      streetWide: false,
    });
    const all = await listKioskCommunities(system);
    expect(all.streetWide).toBe(true);
    expect(all.communities.map((c) => c.id)).toEqual(expect.arrayContaining([communityId, otherId]));
  });
});
