import { and, eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import {
  deliveries,
  demands,
  intakes,
  opinions,
  residents,
  surveyAnswers,
  surveyQuestions,
  surveys,
  topicFollowers,
  topics,
} from '../../src/db/schema.ts';
import { createTestAppDeps, type TestAppDeps } from '../../src/testing/test-app-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.ts';
import {
  codeForPage,
  formIn,
  loadWebFixture,
  type PageResult,
  testMobile,
  titleOf,
  WebClient,
  type WebFixture,
} from './web-test-kit.ts';

let database: TestDatabase;
let deps: TestAppDeps;
let app: Hono<never>;
let fixture: WebFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  deps = createTestAppDeps(database);
  fixture = await loadWebFixture(deps);
  app = createApp(deps) as unknown as Hono<never>;
});

afterAll(async () => {
  await deps.close();
  await database.close();
});

const code = (key: string) => {
  const value = fixture.topics[key];
  if (!value) throw new Error(`no demo topic ${key}`);
  return value;
};

async function topicId(topicCode: string): Promise<string> {
  const [row] = await database.db.select({ id: topics.id }).from(topics).where(eq(topics.code, topicCode));
  return row!.id;
}

async function intakeByRef(ref: string) {
  return database.db
    .select()
    .from(intakes)
    .where(and(eq(intakes.channel, 'web'), eq(intakes.externalId, ref)));
}

describe('home page', () => {
  it('shows the topics open now with their dates, and every way to take part', async () => {
    const client = new WebClient(app, { language: 'en' });
    const page = await client.get('/');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="en"');
    for (const key of ['lift-block-3', 'night-parking', 'ebike-charging']) {
      expect(page.html).toContain(`href="/topics/${code(key)}"`);
    }
    // Implementing and closed topics are not "open now".
    expect(page.html).not.toContain(`href="/topics/${code('elderly-canteen')}"`);
    expect(page.html).toMatch(/Open for views until \w+ \d+, 2026/);
    expect(page.html).toContain('Xingfuli supermarket entrance');
    expect(page.html).toContain('“TD” or “STOP” to stop messages');
    expect(page.html).toContain(`Call ${deps.config.helpPhone}`);
    expect(page.html).toContain('href="/visit"');
    expect(page.html).toContain('href="/report"');
  });
});

describe('topics', () => {
  it('lists public topics only, filtered by status and community with a GET form', async () => {
    const client = new WebClient(app, { language: 'en' });
    const all = await client.get('/topics');
    expect(all.html).toContain(`href="/topics/${code('street-lights')}"`);
    // Still being collected or screened, or rejected: not public.
    for (const key of ['stairwell-clutter', 'service-centre-ramp', 'paid-games-room']) {
      expect(all.html).not.toContain(`href="/topics/${code(key)}"`);
    }
    expect(all.html).toContain('<form method="get" action="/topics"');

    const published = await client.get('/topics?status=published&community=changan-xingfuli');
    expect(published.html).toContain(`href="/topics/${code('ebike-charging')}"`);
    expect(published.html).not.toContain(`href="/topics/${code('night-parking')}"`);
    expect(published.html).not.toContain(`href="/topics/${code('lift-block-3')}"`);
    expect(published.html).toContain('Topics found: 1');
    expect(published.html).toContain('<option value="published" selected="">');
  });

  it('shows a topic with its summary, opinion counts and a timeline of real dates', async () => {
    const client = new WebClient(app, { language: 'en' });
    const page = await client.get(`/topics/${code('lift-block-3')}`);
    expect(page.status).toBe(200);
    expect(titleOf(page.html)).toMatch(/^T\d+ · Adding a lift to Block 3, Xingfuli – /);
    const [counted] = await database.db
      .select({ id: topics.id })
      .from(topics)
      .where(eq(topics.code, code('lift-block-3')));
    const stored = await database.db.select().from(opinions).where(eq(opinions.topicId, counted!.id));
    expect(page.html).toContain(`${stored.length} opinions in total`);
    const support = stored.filter((o) => o.stance === 'support').length;
    expect(page.html).toContain(`<strong>${support}</strong> Support`);
    // Publication, the meeting and the result deadline, each with a machine-readable date.
    expect(page.html).toMatch(
      /Public notice<\/span><span class="state">Done · <time datetime="\d{4}-\d{2}-\d{2}">From/,
    );
    expect(page.html).toMatch(
      /Deliberation meeting<\/span><span class="state">Now · <time datetime="\d{4}-\d{2}-\d{2}">/,
    );
    expect(page.html).toMatch(
      /Result published<\/span><span class="state">Still to come · <time datetime="\d{4}-\d{2}-\d{2}">Due by/,
    );
    expect(page.html).toContain(`href="/topics/${code('lift-block-3')}/opinion"`);
  });

  it('links an evaluated topic to its satisfaction survey and shows when its result came out', async () => {
    const client = new WebClient(app, { language: 'en' });
    const page = await client.get(`/topics/${code('drinking-water')}`);
    expect(page.html).toContain(`href="/surveys/${fixture.surveyCode}"`);
    expect(page.html).toMatch(
      /Result published<\/span><span class="state">Done · <time datetime="[\d-]+">[^<]+on time/,
    );
    expect(page.html).not.toContain('/opinion"');
  });

  it('answers a topic reference in another spelling with the canonical address', async () => {
    const client = new WebClient(app);
    const res = await client.get(`/topics/${code('lift-block-3').toLowerCase()}`);
    expect(res.status).toBe(301);
    expect(res.res.headers.get('location')).toBe(`/topics/${code('lift-block-3')}`);
  });
});

async function walk(
  client: WebClient,
  start: PageResult,
  answers: Record<string, string>[],
): Promise<PageResult> {
  let page = start;
  for (const answer of answers) {
    page = await client.submit(page, { action: 'continue', ...answer });
    expect(page.status, page.html).toBe(200);
  }
  return page;
}

describe('giving an opinion', () => {
  it('stores an anonymous opinion through one question per page and confirms it as a status message', async () => {
    const client = new WebClient(app, { language: 'en' });
    const topicCode = code('night-parking');
    const first = await client.get(`/topics/${topicCode}/opinion`);
    expect(first.html).toContain('Question 1 of 3');
    expect(first.html).toContain('novalidate');
    const ref = formIn(first.html).fields.ref!;
    const done = await walk(client, first, [
      { stance: 'oppose' },
      { comment: '晚上车太多\n消防通道要留出来' },
      { phone: '' },
    ]);
    expect(done.html).toContain('role="status"');
    expect(done.html).toContain(`We have your view on topic ${topicCode}: oppose.`);
    expect(done.html).toContain('Sent anonymously');

    const [intake] = await intakeByRef(ref);
    expect(intake).toMatchObject({
      channel: 'web',
      kind: 'opinion',
      residentId: null,
      language: 'en',
      actor: { type: 'resident', via: 'web' },
    });
    const [opinion] = await database.db.select().from(opinions).where(eq(opinions.intakeId, intake!.id));
    expect(opinion).toMatchObject({ stance: 'oppose', text: '晚上车太多\n消防通道要留出来', channel: 'web' });
  });

  it('links the opinion to the resident once the phone number is proved with the SMS code', async () => {
    const client = new WebClient(app, { language: 'zh-CN' });
    const phone = testMobile();
    const first = await client.get(`/topics/${code('ebike-charging')}/opinion`);
    const ref = formIn(first.html).fields.ref!;
    const codePage = await walk(client, first, [{ stance: 'support' }, { comment: '' }, { phone }]);
    expect(codePage.html).toContain('短信验证码');
    // No SMS provider in tests: the code is held, visibly, in the local outbox.
    const verification = formIn(codePage.html).fields.verification!;
    const [delivery] = await database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.purpose, `phone-verification:${verification}`));
    expect(delivery).toMatchObject({ channel: 'sms', status: 'held_no_credentials', locale: 'zh-CN' });
    expect(codePage.html).toContain('待发信箱');
    expect(await intakeByRef(ref)).toHaveLength(0);

    const done = await client.submit(codePage, {
      action: 'continue',
      code: await codeForPage(database, codePage),
    });
    expect(done.status).toBe(200);
    expect(done.html).toContain('已关联您的手机号码');
    const [intake] = await intakeByRef(ref);
    const [resident] = await database.db
      .select()
      .from(residents)
      .where(eq(residents.id, intake!.residentId!));
    expect(resident!.phoneHash).toBe(deps.pii.phoneHash(`+86${phone}`));
    expect(intake!.actor).toEqual({ type: 'resident', via: 'web', residentId: resident!.id });
    const [opinion] = await database.db.select().from(opinions).where(eq(opinions.intakeId, intake!.id));
    expect(opinion).toMatchObject({ stance: 'support', residentId: resident!.id, text: null });
  });

  it('stores an opinion sent twice (a double click, a resend) once, and answers both alike', async () => {
    const client = new WebClient(app, { language: 'en' });
    const topicCode = code('lift-block-3');
    const first = await client.get(`/topics/${topicCode}/opinion`);
    const ref = formIn(first.html).fields.ref!;
    const lastPage = await walk(client, first, [
      { stance: 'suggestion' },
      { comment: 'Ask the ground floor first' },
    ]);
    const before = await database.db
      .select()
      .from(opinions)
      .where(eq(opinions.topicId, await topicId(topicCode)));
    const [one, two] = await Promise.all([
      client.submit(lastPage, { action: 'continue', phone: '' }),
      client.submit(lastPage, { action: 'continue', phone: '' }),
    ]);
    expect(one.status).toBe(200);
    expect(two.status).toBe(200);
    const again = await client.submit(lastPage, { action: 'continue', phone: '' });
    expect(again.html).toContain(`We have your suggestion on topic ${topicCode}.`);
    expect(await intakeByRef(ref)).toHaveLength(1);
    const after = await database.db
      .select()
      .from(opinions)
      .where(eq(opinions.topicId, await topicId(topicCode)));
    expect(after).toHaveLength(before.length + 1);
  });

  it('keeps the answers when going back a page', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get(`/topics/${code('night-parking')}/opinion`);
    const second = await walk(client, first, [{ stance: 'suggestion' }]);
    const back = await client.submit(second, { action: 'back', comment: 'half written' });
    expect(back.html).toContain('Question 1 of 3');
    expect(back.html).toMatch(/value="suggestion" checked=""/);
    const forward = await client.submit(back, { action: 'continue', stance: 'suggestion' });
    expect(forward.html).toContain('half written</textarea>');
  });
});

describe('reporting a need or problem', () => {
  it('asks what, where and how it affects people on separate pages, then stores a demand', async () => {
    const client = new WebClient(app, { language: 'zh-HK' });
    const first = await client.get('/report');
    const ref = formIn(first.html).fields.ref!;
    const done = await walk(client, first, [
      { what: '5號樓樓梯燈壞了' },
      { where: '幸福里5號樓' },
      { impact: '長者晚上不敢落樓' },
      { phone: '' },
    ]);
    expect(done.html).toContain('role="status"');
    expect(done.html).toContain('幸福里5號樓');
    const [intake] = await intakeByRef(ref);
    expect(intake).toMatchObject({ kind: 'demand', declaredKind: 'demand', language: 'zh-HK' });
    const [demand] = await database.db.select().from(demands).where(eq(demands.intakeId, intake!.id));
    expect(demand).toMatchObject({
      text: '5號樓樓梯燈壞了',
      location: '幸福里5號樓',
      impact: '長者晚上不敢落樓',
      channel: 'web',
      residentId: null,
    });
  });
});

describe('asking for a home visit', () => {
  it('needs a proved phone number and records the request for the grid worker, linked to the resident', async () => {
    const client = new WebClient(app, { language: 'en' });
    const phone = testMobile();
    const first = await client.get('/visit');
    const ref = formIn(first.html).fields.ref!;
    const codePage = await walk(client, first, [
      { address: 'Block 2, Unit 1, Flat 302' },
      { reason: 'T1 lift' },
      { phone },
    ]);
    const done = await client.submit(codePage, {
      action: 'continue',
      code: await codeForPage(database, codePage),
    });
    expect(done.html).toContain('Visit requested');
    const [intake] = await intakeByRef(ref);
    const [demand] = await database.db.select().from(demands).where(eq(demands.intakeId, intake!.id));
    expect(demand).toMatchObject({
      text: 'Home visit requested: T1 lift',
      location: 'Block 2, Unit 1, Flat 302',
    });
    expect(demand!.residentId).toBe(intake!.residentId);
    expect(demand!.residentId).not.toBeNull();
  });
});

describe('following a topic', () => {
  it('records how the resident wants notices once the number is proved', async () => {
    const client = new WebClient(app, { language: 'en' });
    const topicCode = code('elderly-canteen');
    const first = await client.get(`/topics/${topicCode}/follow`);
    const codePage = await walk(client, first, [{ channel: 'voice' }, { phone: testMobile() }]);
    const done = await client.submit(codePage, {
      action: 'continue',
      code: await codeForPage(database, codePage),
    });
    expect(done.html).toContain(`You are following ${topicCode}`);
    const followers = await database.db
      .select()
      .from(topicFollowers)
      .where(eq(topicFollowers.topicId, await topicId(topicCode)));
    expect(followers).toHaveLength(1);
    expect(followers[0]!.channel).toBe('voice');
  });

  it('sends a new code on request, and only the newest one works', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get(`/topics/${code('night-parking')}/follow`);
    const codePage = await walk(client, first, [{ channel: 'sms' }, { phone: testMobile() }]);
    const oldCode = await codeForPage(database, codePage);
    const resent = await client.submit(codePage, { action: 'resend' });
    expect(resent.html).toContain('We have sent a new code');
    expect(formIn(resent.html).fields.verification).not.toBe(formIn(codePage.html).fields.verification);
    const newCode = await codeForPage(database, resent);
    const done = await client.submit(resent, { action: 'continue', code: newCode });
    expect(done.html).toContain('You are following');
    expect(oldCode).toMatch(/^\d{6}$/);
  });
});

describe('answering a satisfaction survey', () => {
  it('asks one question per page and stores each answer against the survey and its topic', async () => {
    const client = new WebClient(app, { language: 'en' });
    const first = await client.get(`/surveys/${fixture.surveyCode}`);
    expect(first.html).toContain('Question 1 of 3');
    const ref = formIn(first.html).fields.ref!;
    const done = await walk(client, first, [
      { answer: 'satisfied' },
      { answer: 'yes' },
      { answer: 'Clean water now' },
    ]);
    expect(done.html).toContain('Survey complete');
    expect(done.html).toContain('role="status"');
    const questions = await database.db
      .select({ id: surveyQuestions.id, position: surveyQuestions.position })
      .from(surveyQuestions)
      .innerJoin(surveys, eq(surveys.id, surveyQuestions.surveyId))
      .where(eq(surveys.code, fixture.surveyCode));
    for (const [position, answer] of [
      [1, 'satisfied'],
      [2, 'yes'],
      [3, 'Clean water now'],
    ] as const) {
      const [intake] = await intakeByRef(`${ref}:q${position}`);
      const [row] = await database.db
        .select()
        .from(surveyAnswers)
        .where(eq(surveyAnswers.intakeId, intake!.id));
      expect(row).toMatchObject({ surveyRef: fixture.surveyCode, answer, channel: 'web' });
      expect(row!.questionId).toBe(questions.find((q) => q.position === position)!.id);
      expect(row!.topicId).toBe(await topicId(code('drinking-water')));
    }
  });
});

describe('display and language preferences', () => {
  it('remembers large text and high contrast in cookies and applies them on every page, the console too', async () => {
    const client = new WebClient(app, { language: 'en' });
    const chosen = await client.get('/?text=large&contrast=high');
    expect(chosen.html).toContain('<html lang="en" class="text-large contrast-high"');
    for (const path of ['/topics', '/report', '/staff/login']) {
      const page = await client.get(path);
      expect(page.html, path).toContain('class="text-large contrast-high"');
      expect(page.html, path).toMatch(/href="[^"]*text=standard"/);
    }
    await client.get('/?text=standard');
    const back = await client.get('/');
    expect(back.html).toContain('class="contrast-high"');
  });

  it('switches language with a link and keeps it', async () => {
    const client = new WebClient(app, { language: 'zh-CN' });
    const switched = await client.get('/privacy?lang=zh-HK');
    expect(switched.html).toContain('<html lang="zh-HK"');
    expect(titleOf(switched.html)).toMatch(/^私隱聲明/);
    const next = await client.get('/accessibility');
    expect(titleOf(next.html)).toMatch(/^無障礙聲明/);
  });
});
