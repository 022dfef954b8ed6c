import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioTestEnv } from '../../channels/sms/twilio-test-kit.ts';
import { parseConfig } from '../config.ts';
import { newSurvey, newTopic, THREE_QUESTIONS } from '../conversations/conversation-test-kit.ts';
import { getPendingPrompt } from '../conversations/get-pending-prompt.ts';
import type { Ctx } from '../core/context.ts';
import { silentLogger } from '../core/logger.ts';
import {
  auditLog,
  deliveries,
  demands,
  opinions,
  proxyAlerts,
  proxyConfirmations,
  proxyRecords,
  proxyVisitList,
  proxyVisits,
  surveyAnswers,
  votes,
} from '../db/schema.ts';
import type { Senders } from '../outreach/sender.ts';
import { configuredSenders } from '../runtime/run-process.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx, TEST_PII_KEY } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { countTopicOpinions } from '../topics/count-topic-opinions.ts';
import { addToVisitList } from './add-to-visit-list.ts';
import { answerProxyConfirmation } from './answer-proxy-confirmation.ts';
import { closeVisitListItem, markDeliveryVisited } from './close-visit-list-item.ts';
import { endProxyVisit } from './end-proxy-visit.ts';
import { extendProxyVisit } from './extend-proxy-visit.ts';
import { getProxyRecord, listSecondVisitRecords } from './list-proxy-records.ts';
import { listVisitList } from './list-visit-list.ts';
import { markUnconfirmedProxyRecords } from './mark-unconfirmed-proxy-records.ts';
import {
  newCommunity,
  newResident,
  newStaffMember,
  proxyEnv,
  readBackFor,
  submitRecord,
  visitFor,
} from './proxy-test-kit.ts';
import { submitProxyRecord } from './submit-proxy-record.ts';

let database: TestDatabase;
let system: ReturnType<typeof createTestCtx>;
let communityId: string;
let writer: { id: string; ctx: Ctx };
let otherWriter: { id: string; ctx: Ctx };
let senders: Senders;

const MINUTE = 60_000;

beforeAll(async () => {
  database = await createTestDatabase();
  system = createTestCtx(database.db);
  communityId = (await newCommunity(database.db)).id;
  writer = await newStaffMember(system, ['grid_worker'], {
    communityIds: [communityId],
    displayName: '王丽',
  });
  otherWriter = await newStaffMember(system, ['grid_worker'], { communityIds: [communityId] });
  const config = parseConfig({
    PII_KEY: TEST_PII_KEY,
    ...twilioTestEnv(),
    TWILIO_SMS_FROM: '+8610690000123',
    TWILIO_VOICE_FROM: '+8610690000124',
  });
  // The real Twilio senders, as a process builds them; these tests never reach the point of sending.
  senders = configuredSenders(config, silentLogger());
});

afterAll(async () => {
  await database.close();
});

/** Writer contexts share the test clock with the system context. */
function as(member: { ctx: Ctx }): Ctx {
  return { ...member.ctx, clock: system.clock };
}

async function endOpenVisit(member: { ctx: Ctx; id: string }) {
  const [open] = await database.db
    .select({ id: proxyVisits.id })
    .from(proxyVisits)
    .where(and(eq(proxyVisits.proxyStaffId, member.id), sql`ended_at is null`));
  if (open) await endProxyVisit(as(member), { visitId: open.id });
}

describe('a proxied opinion', () => {
  it('goes through the pipeline as channel proxy, stamped, and asks the resident by SMS', async () => {
    await endOpenVisit(writer);
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id, { location: '幸福里3号楼2单元' });
    const result = await submitRecord(
      as(writer),
      visit,
      { kind: 'opinion', topic: topic.code, choice: 'support', text: '早点装，爬楼太累' },
      proxyEnv({ senders }),
    );
    expect(result.duplicate).toBe(false);
    expect(result.outcome).toMatchObject({ kind: 'opinion', messageKey: 'pipeline:opinion.support' });
    expect(result.record).toMatchObject({
      residentId: resident.id,
      proxyStaffId: writer.id,
      visitId: visit.id,
      reason: 'mobility',
      consentKind: 'verbal',
      readBackLocale: 'zh-CN',
      location: '幸福里3号楼2单元',
      version: 1,
      communityId,
    });
    expect(result.record.readBackText).toBe(
      `您支持议题${topic.code}《3号楼加装电梯》。\n您的原话：早点装，爬楼太累`,
    );
    const [opinion] = await database.db
      .select()
      .from(opinions)
      .where(eq(opinions.intakeId, result.record.intakeId));
    expect(opinion).toMatchObject({
      channel: 'proxy',
      proxyStaffId: writer.id,
      residentId: resident.id,
      stance: 'support',
    });

    expect(result.confirmation).toMatchObject({
      status: 'awaiting_reply',
      channel: 'sms',
      deliveryStatus: 'queued',
    });
    const [delivery] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.purpose, `proxy-confirmation:${result.record.id}`));
    expect(delivery?.body).toBe(
      `【幸福里社区议事堂】网格员王丽11月27日代您提交：支持${topic.code}3号楼加装电梯。属实回1，有误回2。退订回TD`,
    );
    const prompt = await getPendingPrompt(system, { residentId: resident.id });
    expect(prompt).toMatchObject({
      kind: 'proxy_confirmation',
      channel: 'sms',
      proxyRecordId: result.record.id,
    });
  });

  it('is stored once however many times the device sends it', async () => {
    await endOpenVisit(writer);
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id);
    const clientId = randomUUID();
    const input = { kind: 'opinion', topic: topic.code, choice: 'oppose', clientId } as const;
    const results = await Promise.all([1, 2, 3].map(() => submitRecord(as(writer), visit, input)));
    expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const stored = await database.db.select().from(proxyRecords).where(eq(proxyRecords.clientId, clientId));
    expect(stored).toHaveLength(1);
    const counted = await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id));
    expect(counted).toHaveLength(1);
  });

  it('is refused unless exactly what will be submitted was read back and confirmed', async () => {
    await endOpenVisit(writer);
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id);
    const base = {
      clientId: randomUUID(),
      visitId: visit.id,
      kind: 'opinion',
      topic: topic.code,
      choice: 'support',
    } as const;
    const readBackText = await readBackFor(system, base);
    await expect(
      submitProxyRecord(as(writer), { ...base, readBackText, readBackConfirmed: false }, proxyEnv()),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ field: 'readBackConfirmed', key: 'proxy:errors.readBackRequired' }],
    });
    await expect(
      submitProxyRecord(
        as(writer),
        { ...base, readBackText: readBackText.replace('支持', '反对'), readBackConfirmed: true },
        proxyEnv(),
      ),
    ).rejects.toMatchObject({ fields: [{ key: 'proxy:errors.readBackMismatch' }] });
    // Line endings as a browser sends them are not a difference.
    const ok = await submitProxyRecord(
      as(writer),
      { ...base, readBackText: `${readBackText.replaceAll('\n', '\r\n')}\r\n`, readBackConfirmed: true },
      proxyEnv(),
    );
    expect(ok.duplicate).toBe(false);
    expect(
      await database.db.select().from(proxyRecords).where(eq(proxyRecords.clientId, base.clientId)),
    ).toHaveLength(1);
  });

  it('cannot be edited or deleted: the database refuses', async () => {
    const [record] = await database.db.select().from(proxyRecords).limit(1);
    if (!record) throw new Error('no record yet');
    await expect(
      database.db.update(proxyRecords).set({ text: '改过的' }).where(eq(proxyRecords.id, record.id)),
    ).rejects.toThrow();
    await expect(database.db.delete(proxyRecords).where(eq(proxyRecords.id, record.id))).rejects.toThrow();
    await expect(database.db.execute(sql`truncate proxy_records cascade`)).rejects.toThrow();
    const [still] = await database.db.select().from(proxyRecords).where(eq(proxyRecords.id, record.id));
    expect(still).toEqual(record);
  });
});

describe('the other kinds of record', () => {
  it('records a need, a vote during deliberation and a survey answer, each through the pipeline', async () => {
    await endOpenVisit(writer);
    const resident = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id);
    const need = await submitRecord(as(writer), visit, { kind: 'need', text: '楼道灯坏了', place: '5号楼' });
    expect(need.outcome.kind).toBe('demand');
    expect(
      await database.db.select().from(demands).where(eq(demands.intakeId, need.record.intakeId)),
    ).toEqual([
      expect.objectContaining({
        text: '楼道灯坏了',
        location: '5号楼',
        channel: 'proxy',
        proxyStaffId: writer.id,
      }),
    ]);

    const deliberating = await newTopic(database.db, 'deliberating');
    const vote = await submitRecord(as(writer), visit, {
      kind: 'vote',
      topic: deliberating.code,
      choice: 'abstain',
    });
    expect(await database.db.select().from(votes).where(eq(votes.intakeId, vote.record.intakeId))).toEqual([
      expect.objectContaining({ choice: 'abstain', channel: 'proxy', residentId: resident.id }),
    ]);
    const published = await newTopic(database.db, 'published');
    await expect(
      submitRecord(as(writer), visit, { kind: 'vote', topic: published.code, choice: 'support' }),
    ).rejects.toMatchObject({ fields: [{ field: 'topic', key: 'proxy:errors.votingNotOpen' }] });

    const { survey, questions } = await newSurvey(database.db, THREE_QUESTIONS);
    const q1 = questions[0];
    if (!q1) throw new Error('no question');
    const answer = await submitRecord(as(writer), visit, {
      kind: 'survey_answer',
      survey: survey.code,
      question: q1.id,
      choice: 'satisfied',
    });
    expect(answer.record.readBackText).toBe(
      `问卷${survey.code}：您对3号楼加装电梯工作满意吗？\n您的回答：满意`,
    );
    expect(
      await database.db
        .select()
        .from(surveyAnswers)
        .where(eq(surveyAnswers.intakeId, answer.record.intakeId)),
    ).toEqual([expect.objectContaining({ answer: 'satisfied', questionId: q1.id, channel: 'proxy' })]);
  });
});

describe('visits', () => {
  it('one open visit per proxy, expiring after 30 minutes unless extended', async () => {
    await endOpenVisit(writer);
    const resident = await newResident(system, { communityId });
    const other = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id);
    await expect(visitFor(as(writer), other.id)).rejects.toMatchObject({
      code: 'conflict',
      messageKey: 'proxy:errors.visitInProgress',
    });
    system.clock.advance(20 * MINUTE);
    const extended = await extendProxyVisit(as(writer), { visitId: visit.id });
    expect(extended.expiresAt.getTime()).toBe(system.clock.now().getTime() + 30 * MINUTE);
    system.clock.advance(31 * MINUTE);
    const topic = await newTopic(database.db, 'published');
    await expect(
      submitRecord(as(writer), visit, { kind: 'opinion', topic: topic.code, choice: 'support' }),
    ).rejects.toMatchObject({ code: 'conflict', messageKey: 'proxy:errors.visitNotOpen' });
    // A new visit closes the expired one as expired, at its expiry.
    const next = await visitFor(as(writer), other.id);
    const [old] = await database.db.select().from(proxyVisits).where(eq(proxyVisits.id, visit.id));
    expect(old).toMatchObject({ endedReason: 'expired', endedAt: extended.expiresAt });
    await endProxyVisit(as(writer), { visitId: next.id });
  });

  it('accepts a record made without signal during the visit when it arrives after the visit ended', async () => {
    await endOpenVisit(writer);
    const resident = await newResident(system, { communityId });
    const topic = await newTopic(database.db, 'published');
    const visit = await visitFor(as(writer), resident.id);
    const madeAt = new Date(system.clock.now().getTime() + 10 * MINUTE);
    system.clock.advance(3 * 60 * MINUTE);
    const late = await submitRecord(as(writer), visit, {
      kind: 'opinion',
      topic: topic.code,
      choice: 'suggestion',
      text: '晚上九点后别施工',
      recordedAt: madeAt.toISOString(),
    });
    expect(late.record.recordedAt).toEqual(madeAt);
    expect(late.record.receivedAt).toEqual(system.clock.now());
    // A device claiming a time outside the visit is not believed.
    await expect(
      submitRecord(as(writer), visit, {
        kind: 'opinion',
        topic: topic.code,
        choice: 'support',
        recordedAt: new Date(madeAt.getTime() + 60 * MINUTE).toISOString(),
      }),
    ).rejects.toMatchObject({ messageKey: 'proxy:errors.visitNotOpen' });
  });

  it('keeps who, why and with what consent: the stamp cannot be rewritten', async () => {
    const [visit] = await database.db.select().from(proxyVisits).limit(1);
    if (!visit) throw new Error('no visit');
    await expect(
      database.db.update(proxyVisits).set({ consentKind: 'guardian' }).where(eq(proxyVisits.id, visit.id)),
    ).rejects.toThrow();
    await expect(database.db.delete(proxyVisits).where(eq(proxyVisits.id, visit.id))).rejects.toThrow();
  });

  it('requires the interpreter for hearing and a signature or note for signed consent', async () => {
    await endOpenVisit(writer);
    const resident = await newResident(system, { communityId });
    await expect(visitFor(as(writer), resident.id, { reason: 'hearing' })).rejects.toMatchObject({
      fields: [{ field: 'interpreterName', key: 'proxy:errors.interpreterRequired' }],
    });
    await expect(visitFor(as(writer), resident.id, { consentKind: 'signature' })).rejects.toMatchObject({
      fields: [{ field: 'consentSignature', key: 'proxy:errors.signatureRequired' }],
    });
    await expect(
      visitFor(as(writer), resident.id, { consentKind: 'signature', consentSignature: 'M1 1 L2 2 <script>' }),
    ).rejects.toMatchObject({
      fields: [{ field: 'consentSignature', key: 'proxy:errors.signatureInvalid' }],
    });
    const visit = await visitFor(as(writer), resident.id, {
      reason: 'hearing',
      interpreterName: '张手语',
      consentKind: 'signature',
      consentSignature: 'M10 10 L20 30 L40 35 M50 50 L60 60',
    });
    expect(visit).toMatchObject({
      interpreterName: '张手语',
      consentSignature: 'M10 10 L20 30 L40 35 M50 50 L60 60',
    });
    await endProxyVisit(as(writer), { visitId: visit.id });
  });
});

describe('confirmation', () => {
  it('without a phone: awaiting a second visit, listed for someone else, confirmed in person', async () => {
    await endOpenVisit(writer);
    const resident = await newResident(system, { communityId, phone: null });
    const visit = await visitFor(as(writer), resident.id);
    const { record, confirmation } = await submitRecord(
      as(writer),
      visit,
      { kind: 'need', text: '想装扶手' },
      proxyEnv({ senders }),
    );
    expect(confirmation).toMatchObject({ status: 'awaiting_visit', channel: 'visit', deliveryId: null });
    expect(await database.db.select().from(deliveries).where(eq(deliveries.residentId, resident.id))).toEqual(
      [],
    );

    const mine = await listVisitList(as(writer));
    expect(mine.items.some((i) => i.residentId === resident.id)).toBe(false);
    const theirs = await listVisitList(as(otherWriter));
    expect(theirs.items).toContainEqual(
      expect.objectContaining({ residentId: resident.id, reason: 'second_visit', awaitingRecords: 1 }),
    );
    expect(
      (await listSecondVisitRecords(as(otherWriter), { residentId: resident.id })).map((r) => r.id),
    ).toEqual([record.id]);

    await expect(
      answerProxyConfirmation(as(writer), { proxyRecordId: record.id, answer: 'confirmed', via: 'visit' }),
    ).rejects.toMatchObject({ code: 'forbidden', messageKey: 'proxy:errors.ownRecordSecondVisit' });
    const answered = await answerProxyConfirmation(as(otherWriter), {
      proxyRecordId: record.id,
      answer: 'confirmed',
      via: 'visit',
    });
    expect(answered).toMatchObject({ status: 'confirmed', changed: true, previous: 'awaiting_visit' });
    const [item] = await database.db
      .select()
      .from(proxyVisitList)
      .where(eq(proxyVisitList.residentId, resident.id));
    expect(item).toMatchObject({ status: 'done', closedBy: otherWriter.id });
  });

  it('for a resident who cannot read: a phone call, never a text', async () => {
    await endOpenVisit(writer);
    const resident = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id, { reason: 'cannot_read_write' });
    const { record, confirmation } = await submitRecord(
      as(writer),
      visit,
      { kind: 'need', text: '水压太低' },
      proxyEnv({ senders }),
    );
    expect(confirmation).toMatchObject({ status: 'awaiting_reply', channel: 'voice' });
    const [delivery] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.purpose, `proxy-confirmation:${record.id}`));
    expect(delivery).toMatchObject({ channel: 'voice' });
    expect(delivery?.body).toContain('请按1或说“属实”');
    // Without a voice sender, someone visits instead.
    await endProxyVisit(as(writer), { visitId: visit.id });
    const second = await visitFor(as(writer), resident.id, { reason: 'cannot_read_write' });
    const noVoice = await submitRecord(
      as(writer),
      second,
      { kind: 'need', text: '门口积水' },
      proxyEnv({ senders: { ...(senders.sms ? { sms: senders.sms } : {}) } }),
    );
    expect(noVoice.confirmation).toMatchObject({ status: 'awaiting_visit', channel: 'visit' });
  });

  it('a dispute alerts the supervisor once; the same answer again changes nothing', async () => {
    await endOpenVisit(writer);
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id);
    const { record } = await submitRecord(
      as(writer),
      visit,
      { kind: 'opinion', topic: topic.code, choice: 'support' },
      proxyEnv({ senders }),
    );
    const asResident: Ctx = { ...system, actor: { type: 'resident', via: 'sms', residentId: resident.id } };
    const first = await answerProxyConfirmation(asResident, {
      proxyRecordId: record.id,
      answer: 'disputed',
      via: 'sms',
    });
    const again = await answerProxyConfirmation(asResident, {
      proxyRecordId: record.id,
      answer: 'disputed',
      via: 'sms',
    });
    expect(first).toMatchObject({ status: 'disputed', changed: true });
    expect(first.alertId).toBeDefined();
    expect(again).toMatchObject({ status: 'disputed', changed: false });
    expect(
      await database.db.select().from(proxyAlerts).where(eq(proxyAlerts.recordId, record.id)),
    ).toHaveLength(1);
    // Someone else's resident cannot answer it.
    const stranger = await newResident(system, { communityId });
    await expect(
      answerProxyConfirmation(
        { ...system, actor: { type: 'resident', via: 'sms', residentId: stranger.id } },
        { proxyRecordId: record.id, answer: 'confirmed', via: 'sms' },
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    // Their SMS prompt about it is gone.
    expect(await getPendingPrompt(system, { residentId: resident.id })).toBeUndefined();
  });

  it('silence for three days makes a record unconfirmed (still counted), and a late answer still counts', async () => {
    await endOpenVisit(writer);
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id);
    const { record } = await submitRecord(
      as(writer),
      visit,
      { kind: 'opinion', topic: topic.code, choice: 'oppose' },
      proxyEnv({ senders }),
    );
    system.clock.advance(3 * 24 * 60 * MINUTE - MINUTE);
    await markUnconfirmedProxyRecords(system);
    const status = async () =>
      (
        await database.db.select().from(proxyConfirmations).where(eq(proxyConfirmations.recordId, record.id))
      )[0]?.status;
    expect(await status()).toBe('awaiting_reply');
    system.clock.advance(2 * MINUTE);
    const { marked } = await markUnconfirmedProxyRecords(system);
    expect(marked).toBeGreaterThanOrEqual(1);
    expect(await status()).toBe('unconfirmed');
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toHaveLength(1);
    await answerProxyConfirmation(
      { ...system, actor: { type: 'resident', via: 'sms', residentId: resident.id } },
      { proxyRecordId: record.id, answer: 'confirmed', via: 'sms' },
    );
    expect(await status()).toBe('confirmed');
  });
});

describe('corrections', () => {
  it('are new versions linked to the old, both kept, the old one superseded', async () => {
    await endOpenVisit(writer);
    const topic = await newTopic(database.db, 'published');
    const resident = await newResident(system, { communityId });
    const visit = await visitFor(as(writer), resident.id);
    const first = await submitRecord(as(writer), visit, {
      kind: 'opinion',
      topic: topic.code,
      choice: 'support',
    });
    const fixed = await submitRecord(as(writer), visit, {
      kind: 'opinion',
      topic: topic.code,
      choice: 'oppose',
      correctsId: first.record.id,
      correctionNote: '居民说记反了',
    });
    expect(fixed.record).toMatchObject({
      version: 2,
      supersedesId: first.record.id,
      correctionNote: '居民说记反了',
    });
    expect(fixed.record.readBackText.startsWith('这是对之前一条记录的更正。\n')).toBe(true);
    const detail = await getProxyRecord(as(writer), { recordId: first.record.id });
    expect(detail.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'awaiting_reply'],
    ]);
    // Both opinions are kept, but only the correction counts towards the topic.
    expect(await countTopicOpinions(system, { topicId: topic.id })).toMatchObject({
      support: 0,
      oppose: 1,
      total: 1,
    });
    await expect(
      submitRecord(as(writer), visit, {
        kind: 'opinion',
        topic: topic.code,
        choice: 'support',
        correctsId: first.record.id,
      }),
    ).rejects.toMatchObject({ code: 'conflict', messageKey: 'proxy:errors.alreadyCorrected' });
    // Only for the resident being visited.
    const other = await newResident(system, { communityId });
    await endProxyVisit(as(writer), { visitId: visit.id });
    const otherVisit = await visitFor(as(writer), other.id);
    await expect(
      submitRecord(as(writer), otherVisit, {
        kind: 'opinion',
        topic: topic.code,
        choice: 'support',
        correctsId: fixed.record.id,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await endProxyVisit(as(writer), { visitId: otherVisit.id });
  });
});

describe('the visit list', () => {
  it('adds a resident once per open reason and topic', async () => {
    const resident = await newResident(system, { communityId });
    const topic = await newTopic(database.db, 'published');
    const a = await addToVisitList(system, {
      residentId: resident.id,
      reason: 'under_heard',
      topicId: topic.id,
    });
    const b = await addToVisitList(system, {
      residentId: resident.id,
      reason: 'under_heard',
      topicId: topic.id,
    });
    const c = await addToVisitList(system, { residentId: resident.id, reason: 'under_heard' });
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ created: false, item: { id: a.item.id } });
    expect(c.created).toBe(true);
    const listed = await listVisitList(as(writer));
    expect(
      listed.items
        .filter((i) => i.residentId === resident.id)
        .map((i) => i.topicCode)
        .sort(),
    ).toEqual([topic.code, null].sort());
  });
});

describe('homes to visit', () => {
  it('lists messages the outbox could not send to a resident who cannot read, until one is read to them', async () => {
    const resident = await newResident(system, { communityId, name: '读不了短信的居民' });
    const [delivery] = await database.db
      .insert(deliveries)
      .values({
        channel: 'sms',
        residentId: resident.id,
        locale: 'zh-CN',
        body: '议题T9公示至12月8日。',
        status: 'routed_to_visit',
        purpose: `test-routed:${resident.id}`,
        createdAt: system.clock.now(),
        updatedAt: system.clock.now(),
      })
      .returning();
    if (!delivery) throw new Error('no delivery');
    const listed = await listVisitList(as(writer));
    expect(listed.deliveries).toContainEqual(
      expect.objectContaining({ deliveryId: delivery.id, body: '议题T9公示至12月8日。' }),
    );
    expect(
      await markDeliveryVisited(as(writer), { deliveryId: delivery.id, note: '已当面读给他听' }),
    ).toEqual({ recorded: true });
    expect(await markDeliveryVisited(as(writer), { deliveryId: delivery.id })).toEqual({ recorded: false });
    expect((await listVisitList(as(writer))).deliveries.some((d) => d.deliveryId === delivery.id)).toBe(
      false,
    );
  });

  it('closes an item once it is visited, and only for the grid workers it is meant for', async () => {
    const resident = await newResident(system, { communityId });
    const { item } = await addToVisitList(system, { residentId: resident.id, reason: 'home_visit_request' });
    const elsewhere = await newStaffMember(system, ['grid_worker'], {
      communityIds: [(await newCommunity(database.db)).id],
    });
    expect((await listVisitList(as(elsewhere))).items.some((i) => i.id === item.id)).toBe(false);
    expect(await closeVisitListItem(as(writer), { itemId: item.id, note: '已上门' })).toEqual({
      closed: true,
    });
    expect(await closeVisitListItem(as(writer), { itemId: item.id })).toEqual({ closed: false });
    expect((await listVisitList(as(writer))).items.some((i) => i.id === item.id)).toBe(false);
  });
});

describe('the audit chain', () => {
  it('holds every proxy action and still verifies', async () => {
    const actions = new Set(
      (await database.db.select({ action: auditLog.action }).from(auditLog)).map((r) => r.action),
    );
    for (const action of [
      'proxy.visit_started',
      'proxy.visit_extended',
      'proxy.visit_expired',
      'proxy.visit_ended',
      'intake.proxy_recorded',
      'proxy.record_submitted',
      'proxy.confirmation_requested',
      'proxy.record_confirmed',
      'proxy.record_disputed',
      'proxy.alert_raised',
      'proxy.record_unconfirmed',
      'proxy.record_corrected',
      'proxy.visit_list_added',
      'proxy.visit_list_closed',
      'proxy.delivery_read_on_visit',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });
});
