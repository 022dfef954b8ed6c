import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/actor.ts';
import { ServiceError } from '../core/errors.ts';
import {
  auditLog,
  communities,
  demands,
  grids,
  intakes,
  opinions,
  residentOptOuts,
  residents,
  staff,
  streets,
  surveyAnswers,
  surveyQuestions,
  surveys,
  type TopicStatus,
  topics,
  votes,
} from '../db/schema.ts';
import { isOptedOut } from '../residents/is-opted-out.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createTestCtx } from '../testing/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { ingest, type Outcome } from './ingest.ts';
import type { IntakeInput } from './intake.ts';

let database: TestDatabase;
let phoneSeq = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.close();
});

const ctx = () => createTestCtx(database.db);

/** A fresh mainland mobile number for each test, so tests never share a resident. */
function newPhone(): string {
  phoneSeq += 1;
  return `1390000${String(phoneSeq).padStart(4, '0')}`;
}

async function newTopic(status: TopicStatus) {
  const [row] = await database.db
    .insert(topics)
    .values({ title: { 'zh-CN': '加装电梯' }, summary: { 'zh-CN': '3号楼' }, source: 'online', status })
    .returning();
  return row!;
}

function sms(text: string, phone: string, extra: Partial<IntakeInput> = {}): IntakeInput {
  return {
    channel: 'sms',
    externalId: `SM${randomUUID().replace(/-/g, '')}`,
    actor: { type: 'resident', via: 'sms' },
    declaredKind: 'text',
    phone,
    text,
    language: 'zh-CN',
    receivedAt: new Date('2026-11-27T02:00:00Z'),
    ...extra,
  };
}

function kiosk(extra: Partial<IntakeInput>): IntakeInput {
  return {
    channel: 'kiosk',
    externalId: randomUUID(),
    actor: { type: 'resident', via: 'kiosk' },
    declaredKind: 'text',
    language: 'zh-CN',
    receivedAt: '2026-11-27T02:00:00Z',
    ...extra,
  };
}

async function intakeRow(id: string) {
  const [row] = await database.db.select().from(intakes).where(eq(intakes.id, id));
  return row!;
}

describe('ingest: each kind', () => {
  it('records an SMS opinion, creating the resident met for the first time', async () => {
    const topic = await newTopic('published');
    const result = await ingest(ctx(), sms(`${topic.code} 支持`, newPhone()));
    expect(result.duplicate).toBe(false);
    expect(result.outcome).toMatchObject({
      kind: 'opinion',
      messageKey: 'pipeline:opinion.support',
      params: { topicCode: topic.code, stance: 'support' },
      locale: 'zh-CN',
      topicCode: topic.code,
    });
    const residentId = result.outcome.residentId!;
    expect(residentId).toBeTruthy();
    const [opinion] = await database.db.select().from(opinions).where(eq(opinions.intakeId, result.intakeId));
    expect(opinion).toMatchObject({
      topicId: topic.id,
      residentId,
      stance: 'support',
      channel: 'sms',
      text: '支持',
    });
    expect(await intakeRow(result.intakeId)).toMatchObject({
      kind: 'opinion',
      declaredKind: 'text',
      topicId: topic.id,
      topicRef: topic.code,
      residentId,
      actorType: 'resident',
    });
  });

  it('stores an opinion on a topic not open for opinions without counting it', async () => {
    const topic = await newTopic('collecting');
    const result = await ingest(ctx(), sms(`${topic.code} 反对`, newPhone()));
    expect(result.outcome).toMatchObject({ kind: 'opinion', messageKey: 'pipeline:opinion.topicNotOpen' });
    expect(await intakeRow(result.intakeId)).toMatchObject({ kind: 'opinion', topicId: topic.id });
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toHaveLength(0);
  });

  it('files a demand under the resident’s community and grid', async () => {
    const [street] = await database.db
      .insert(streets)
      .values({ code: `S-${randomUUID()}`, name: { 'zh-CN': '街道' } })
      .returning();
    const [community] = await database.db
      .insert(communities)
      .values({ streetId: street!.id, code: `C-${randomUUID()}`, name: { 'zh-CN': '社区' } })
      .returning();
    const [grid] = await database.db
      .insert(grids)
      .values({ communityId: community!.id, code: `G-${randomUUID()}`, name: { 'zh-CN': '网格' } })
      .returning();
    const [resident] = await database.db
      .insert(residents)
      .values({ communityId: community!.id, gridId: grid!.id })
      .returning();
    const result = await ingest(
      ctx(),
      kiosk({
        actor: { type: 'resident', via: 'kiosk', residentId: resident!.id },
        declaredKind: 'demand',
        text: '楼道灯坏了',
        location: '3栋2单元',
        impact: '晚上老人看不清台阶',
      }),
    );
    expect(result.outcome).toMatchObject({ kind: 'demand', messageKey: 'pipeline:demand.recorded' });
    const [demand] = await database.db.select().from(demands).where(eq(demands.intakeId, result.intakeId));
    expect(demand).toMatchObject({
      residentId: resident!.id,
      communityId: community!.id,
      gridId: grid!.id,
      text: '楼道灯坏了',
      location: '3栋2单元',
      impact: '晚上老人看不清台阶',
      channel: 'kiosk',
    });
  });

  it('records a vote only while the topic is being deliberated', async () => {
    const open = await newTopic('deliberating');
    const notYet = await newTopic('published');
    const counted = await ingest(
      ctx(),
      kiosk({ declaredKind: 'vote', topicRef: open.code, choice: 'support' }),
    );
    const refused = await ingest(
      ctx(),
      kiosk({ declaredKind: 'vote', topicRef: notYet.code, choice: 'support' }),
    );
    expect(counted.outcome).toMatchObject({ kind: 'vote', messageKey: 'pipeline:vote.recorded' });
    expect(refused.outcome).toMatchObject({ kind: 'vote', messageKey: 'pipeline:vote.topicNotOpen' });
    expect(await database.db.select().from(votes).where(eq(votes.topicId, open.id))).toMatchObject([
      { intakeId: counted.intakeId, choice: 'support', channel: 'kiosk' },
    ]);
    expect(await database.db.select().from(votes).where(eq(votes.topicId, notYet.id))).toHaveLength(0);
  });

  async function newSurvey(topicId: string | null) {
    const [survey] = await database.db
      .insert(surveys)
      .values({ title: { 'zh-CN': '电梯满意度' }, topicId })
      .returning();
    const questions = await database.db
      .insert(surveyQuestions)
      .values([
        { surveyId: survey!.id, position: 1, kind: 'satisfaction', prompt: { 'zh-CN': '满意吗？' } },
        { surveyId: survey!.id, position: 2, kind: 'text', prompt: { 'zh-CN': '建议？' } },
      ])
      .returning();
    return { survey: survey!, questions };
  }

  it('links a survey answer to its survey and question, by question id or position', async () => {
    const topic = await newTopic('evaluating');
    const { survey, questions } = await newSurvey(topic.id);
    const byId = await ingest(
      ctx(),
      sms('１', newPhone(), {
        declaredKind: 'survey_answer',
        surveyRef: survey.code,
        questionRef: questions[0]!.id,
        choice: 'very_satisfied',
      }),
    );
    expect(byId.outcome).toMatchObject({ kind: 'survey_answer', messageKey: 'pipeline:survey.recorded' });
    const byPosition = await ingest(
      ctx(),
      sms('门口太黑', newPhone(), {
        declaredKind: 'survey_answer',
        surveyRef: survey.code.toLowerCase(),
        questionRef: '2',
      }),
    );
    const answers = await database.db
      .select()
      .from(surveyAnswers)
      .where(eq(surveyAnswers.surveyId, survey.id))
      .orderBy(surveyAnswers.createdAt);
    expect(answers).toHaveLength(2);
    expect(answers.find((a) => a.intakeId === byId.intakeId)).toMatchObject({
      surveyRef: survey.code,
      questionId: questions[0]!.id,
      answer: 'very_satisfied',
      // Taken from the survey when the answer names no topic itself.
      topicId: topic.id,
      channel: 'sms',
    });
    expect(answers.find((a) => a.intakeId === byPosition.intakeId)).toMatchObject({
      questionId: questions[1]!.id,
      answer: '门口太黑',
    });
    const [intake] = await database.db.select().from(intakes).where(eq(intakes.id, byId.intakeId));
    expect(intake).toMatchObject({ kind: 'survey_answer', surveyRef: survey.code, choice: 'very_satisfied' });
  });

  it('keeps an answer to a survey it does not know under the reference given, unlinked', async () => {
    const topic = await newTopic('evaluating');
    const result = await ingest(
      ctx(),
      sms('１', newPhone(), {
        declaredKind: 'survey_answer',
        surveyRef: 'campaign-7',
        questionRef: 'q1',
        choice: '１',
        topicRef: topic.code,
      }),
    );
    const [answer] = await database.db
      .select()
      .from(surveyAnswers)
      .where(eq(surveyAnswers.intakeId, result.intakeId));
    expect(answer).toMatchObject({
      surveyRef: 'campaign-7',
      surveyId: null,
      questionId: null,
      answer: '1',
      topicId: topic.id,
    });
  });

  it('keeps input a conversation declared unclassified as it is, never as a demand', async () => {
    const result = await ingest(
      ctx(),
      sms('满意 不满意，说不清楚', newPhone(), { declaredKind: 'unclassified', surveyRef: 'S1' }),
    );
    expect(result.outcome).toMatchObject({ kind: 'unclassified', messageKey: 'pipeline:unclassified.kept' });
    const [row] = await database.db.select().from(intakes).where(eq(intakes.id, result.intakeId));
    expect(row).toMatchObject({ kind: 'unclassified', text: '满意 不满意，说不清楚', surveyRef: 'S1' });
    expect(await database.db.select().from(demands).where(eq(demands.intakeId, result.intakeId))).toEqual([]);
  });

  it('stores the answer a conversation composes, and replays it to a repeated delivery', async () => {
    const intake = sms('1', newPhone(), { declaredKind: 'unclassified' });
    const compose = (o: Outcome): Outcome => ({
      ...o,
      messageKey: 'pipeline:help.menu',
      params: { helpPhone: '999' },
    });
    const first = await ingest(ctx(), intake, { composeOutcome: compose });
    expect(first.outcome).toMatchObject({ kind: 'unclassified', messageKey: 'pipeline:help.menu' });
    let calls = 0;
    const again = await ingest(ctx(), intake, {
      composeOutcome: (o) => {
        calls += 1;
        return o;
      },
    });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(calls).toBe(0);
  });

  it('opts out of SMS on TD and back in on START, auditing both', async () => {
    const phone = newPhone();
    const out = await ingest(ctx(), sms('TD', phone));
    expect(out.outcome).toMatchObject({ kind: 'opt_out', messageKey: 'pipeline:optOut.sms' });
    const residentId = out.outcome.residentId!;
    expect(await isOptedOut(ctx(), { residentId, channel: 'sms' })).toBe(true);
    expect(await isOptedOut(ctx(), { residentId, channel: 'voice' })).toBe(false);

    const back = await ingest(ctx(), sms('start', phone));
    expect(back.outcome).toMatchObject({ kind: 'opt_in', messageKey: 'pipeline:optIn.sms', residentId });
    expect(await isOptedOut(ctx(), { residentId, channel: 'sms' })).toBe(false);

    const audit = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, residentId));
    expect(audit.map((a) => a.action)).toEqual(['resident.opt_out', 'resident.opt_in']);
    expect(JSON.stringify(audit)).not.toContain(phone);
  });

  it('opts out of voice calls from the voice channel', async () => {
    const phone = newPhone();
    const result = await ingest(ctx(), {
      channel: 'voice',
      externalId: `CA${randomUUID()}:menu`,
      actor: { type: 'resident', via: 'voice' },
      declaredKind: 'opt_out',
      phone,
      language: 'zh-HK',
      receivedAt: new Date(),
    });
    expect(result.outcome).toMatchObject({
      kind: 'opt_out',
      messageKey: 'pipeline:optOut.voice',
      locale: 'zh-HK',
    });
    const [row] = await database.db
      .select()
      .from(residentOptOuts)
      .where(eq(residentOptOuts.residentId, result.outcome.residentId!));
    expect(row).toMatchObject({ channel: 'voice', optedOut: true });
  });

  it('answers an opt-out it cannot attribute without changing anything', async () => {
    const result = await ingest(ctx(), kiosk({ declaredKind: 'opt_out' }));
    expect(result.outcome).toMatchObject({ kind: 'opt_out', messageKey: 'pipeline:optOut.noResident' });
    expect(result.outcome.residentId).toBeUndefined();
  });

  it('answers HELP with the configured help line', async () => {
    const result = await ingest(ctx(), sms('帮助', newPhone()), { helpPhone: '0755-12345' });
    expect(result.outcome).toMatchObject({
      kind: 'help',
      messageKey: 'pipeline:help.menu',
      params: { helpPhone: '0755-12345' },
    });
    const fallback = await ingest(ctx(), sms('？', newPhone()));
    expect(fallback.outcome.params).toEqual({ helpPhone: '12345' });
  });

  it('stores text it cannot understand as unclassified and answers with help', async () => {
    const result = await ingest(ctx(), sms('😀😀', newPhone()));
    expect(result.outcome).toMatchObject({ kind: 'unclassified', messageKey: 'pipeline:unclassified.kept' });
    expect(await intakeRow(result.intakeId)).toMatchObject({ kind: 'unclassified', text: '😀😀' });
  });

  it('stores an opinion on a topic that does not exist as unclassified, naming the code', async () => {
    const result = await ingest(ctx(), sms('T999999 支持', newPhone()));
    expect(result.outcome).toMatchObject({
      kind: 'unclassified',
      messageKey: 'pipeline:unclassified.unknownTopic',
      params: { topicCode: 'T999999' },
    });
    expect(await intakeRow(result.intakeId)).toMatchObject({ topicRef: 'T999999', topicId: null });
  });

  it('keeps an anonymous kiosk opinion without a resident', async () => {
    const topic = await newTopic('deliberating');
    const result = await ingest(
      ctx(),
      kiosk({
        declaredKind: 'opinion',
        topicRef: `#${topic.number}`,
        stance: 'suggestion',
        text: '加个扶手',
      }),
    );
    expect(result.outcome.residentId).toBeUndefined();
    const [opinion] = await database.db.select().from(opinions).where(eq(opinions.intakeId, result.intakeId));
    expect(opinion).toMatchObject({
      residentId: null,
      stance: 'suggestion',
      text: '加个扶手',
      channel: 'kiosk',
    });
  });

  it('answers in the resident’s preferred language over the message’s', async () => {
    const [resident] = await database.db.insert(residents).values({ preferredLocale: 'zh-HK' }).returning();
    const result = await ingest(
      ctx(),
      kiosk({
        actor: { type: 'resident', via: 'kiosk', residentId: resident!.id },
        text: 'help',
        language: 'en',
      }),
    );
    expect(result.outcome.locale).toBe('zh-HK');
  });

  it('keeps both the proxy writer and the resident on a proxied opinion, with an audit entry', async () => {
    const topic = await newTopic('published');
    const [writer] = await database.db
      .insert(staff)
      .values({
        username: `grid-${randomUUID()}`,
        displayName: '王网格员',
        passwordHash: 'x',
        roles: ['grid_worker'],
      })
      .returning();
    const [resident] = await database.db.insert(residents).values({}).returning();
    const actor: Actor = {
      type: 'proxy',
      staffId: writer!.id,
      residentId: resident!.id,
      consent: 'thumbprint',
      visitId: 'visit-42',
    };
    const result = await ingest(ctx(), {
      channel: 'proxy',
      externalId: randomUUID(),
      actor,
      declaredKind: 'opinion',
      topicRef: topic.code,
      stance: 'oppose',
      text: '腿脚不便，担心施工期间出行',
      language: 'zh-CN',
      receivedAt: new Date(),
    });
    expect(result.outcome).toMatchObject({ kind: 'opinion', residentId: resident!.id });
    expect(await intakeRow(result.intakeId)).toMatchObject({
      actorType: 'proxy',
      proxyStaffId: writer!.id,
      residentId: resident!.id,
      actor,
    });
    const [opinion] = await database.db.select().from(opinions).where(eq(opinions.intakeId, result.intakeId));
    expect(opinion).toMatchObject({ residentId: resident!.id, proxyStaffId: writer!.id, stance: 'oppose' });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'intake.proxy_recorded'), eq(auditLog.subjectId, result.intakeId)));
    expect(entry).toMatchObject({
      actorType: 'proxy',
      data: { residentId: resident!.id, visitId: 'visit-42', consent: 'thumbprint', kind: 'opinion' },
    });
  });
});

describe('ingest: idempotency', () => {
  it('turns the same delivery arriving 20 times at once into one record and 20 identical answers', async () => {
    const topic = await newTopic('published');
    const phone = newPhone();
    const intake = sms(`${topic.code} 同意`, phone);
    const results = await Promise.all(Array.from({ length: 20 }, () => ingest(ctx(), intake)));

    expect(results.filter((r) => r.duplicate)).toHaveLength(19);
    expect(new Set(results.map((r) => r.intakeId)).size).toBe(1);
    for (const r of results) expect(r.outcome).toEqual(results[0]!.outcome);
    expect(results[0]!.outcome).toMatchObject({ kind: 'opinion', messageKey: 'pipeline:opinion.support' });

    const rows = await database.db
      .select()
      .from(intakes)
      .where(and(eq(intakes.channel, 'sms'), eq(intakes.externalId, intake.externalId)));
    expect(rows).toHaveLength(1);
    const hash = ctx().pii.phoneHash(`+86${phone}`);
    expect(await database.db.select().from(residents).where(eq(residents.phoneHash, hash))).toHaveLength(1);
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toHaveLength(1);
  });

  it('makes no resident for a repeated delivery that lost the race', async () => {
    const phone = newPhone();
    const intake = sms('TD', phone);
    const results = await Promise.all(Array.from({ length: 10 }, () => ingest(ctx(), intake)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const hash = ctx().pii.phoneHash(`+86${phone}`);
    const found = await database.db.select().from(residents).where(eq(residents.phoneHash, hash));
    expect(found).toHaveLength(1);
    expect(found[0]!.id).toBe(results[0]!.outcome.residentId);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, found[0]!.id));
    expect(audit).toHaveLength(1);
  });

  it('returns the first answer to a repeated delivery even after the topic has moved on', async () => {
    const topic = await newTopic('published');
    const intake = sms(`${topic.code} 反对`, newPhone());
    const first = await ingest(ctx(), intake);
    expect(first.outcome.messageKey).toBe('pipeline:opinion.oppose');

    await database.db.update(topics).set({ status: 'closed' }).where(eq(topics.id, topic.id));
    const again = await ingest(ctx(), intake);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await database.db.select().from(opinions).where(eq(opinions.topicId, topic.id))).toHaveLength(1);
  });

  it('treats the same external id on another channel as a different input', async () => {
    const externalId = randomUUID();
    const a = await ingest(ctx(), kiosk({ externalId, text: '路灯坏了' }));
    const b = await ingest(ctx(), {
      ...kiosk({ externalId, text: '路灯坏了' }),
      channel: 'web',
      actor: { type: 'resident', via: 'web' },
    });
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(false);
    expect(b.intakeId).not.toBe(a.intakeId);
  });
});

describe('ingest: personal data and errors', () => {
  it('never stores the phone number in plaintext, even when the resident types it', async () => {
    const phone = newPhone();
    const e164 = `+86${phone}`;
    const result = await ingest(ctx(), sms(`小区门口井盖坏了，请回电${phone}`, e164));
    expect(result.outcome.kind).toBe('demand');
    const [resident] = await database.db
      .select()
      .from(residents)
      .where(eq(residents.id, result.outcome.residentId!));
    const intake = await intakeRow(result.intakeId);
    const [demand] = await database.db.select().from(demands).where(eq(demands.intakeId, result.intakeId));
    for (const stored of [resident, intake, demand]) {
      const json = JSON.stringify(stored);
      expect(json).not.toContain(e164);
      expect(json).not.toContain(phone);
    }
    expect(demand!.text).toBe('小区门口井盖坏了,请回电[phone]');
    expect(ctx().pii.decryptPhone(resident!.phoneCipher!)).toBe(e164);
  });

  it('rejects a malformed intake, naming the fields', async () => {
    const bad = { ...sms('hi', newPhone()), externalId: '', language: 'fr' } as unknown as IntakeInput;
    const error = await ingest(ctx(), bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: 'validation_failed' });
    expect((error as ServiceError).fields.map((f) => f.field).sort()).toEqual(['externalId', 'language']);
  });

  it('rejects an actor naming a resident who does not exist, storing nothing', async () => {
    const intake = kiosk({
      actor: { type: 'resident', via: 'kiosk', residentId: randomUUID() },
      text: '路灯坏了',
    });
    await expect(ingest(ctx(), intake)).rejects.toMatchObject({ code: 'not_found' });
    expect(
      await database.db.select().from(intakes).where(eq(intakes.externalId, intake.externalId)),
    ).toHaveLength(0);
  });

  it('leaves the audit chain intact after all of the above', async () => {
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });
});
