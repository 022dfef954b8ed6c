/**
 * Helpers for route tests of the website: a client that keeps cookies and submits the forms a page
 * contains, as a browser would, and the one-time code read from the outbox. Test-only.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Database } from '../../src/db/database.ts';
import {
  communities,
  deliveries,
  kioskDevices,
  surveyQuestions,
  surveys,
  systemState,
  topics,
} from '../../src/db/schema.ts';
import { DEMO_DATA_STATE_KEY, loadDemoData } from '../../src/demo/load-demo-data.ts';
import { depsCtx } from '../console/console-test-kit.ts';

/** An address from the documentation range, different for every client, so rate limits never collide. */
export function testClientAddress(): string {
  return `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
}

/** A valid mainland mobile number no one else in the run uses. */
export function testMobile(): string {
  return `139${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface PageResult {
  res: Response;
  status: number;
  html: string;
}

/** The hidden fields of the first POST form in a page, and where it posts. */
export function formIn(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form?.[1] || form[2] === undefined) throw new Error('page has no POST form');
  const fields: Record<string, string> = {};
  for (const m of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) {
    fields[m[1] as string] = unescapeHtml(m[2] as string);
  }
  return { action: unescapeHtml(form[1]), fields };
}

/** The text of the page's `<title>`. */
export function titleOf(html: string): string {
  return unescapeHtml(/<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? '');
}

/** A browser-like client over `app.request`: keeps cookies, sends HTML accept headers and one address. */
export class WebClient {
  readonly cookies = new Map<string, string>();
  readonly address: string;

  constructor(
    private readonly app: Hono<never> | { request: Hono['request'] },
    options: { address?: string; language?: string } = {},
  ) {
    this.address = options.address ?? testClientAddress();
    this.language = options.language ?? 'zh-CN';
  }

  private readonly language: string;

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return {
      accept: 'text/html',
      'accept-language': this.language,
      'x-forwarded-for': this.address,
      ...(cookie ? { cookie } : {}),
      ...extra,
    };
  }

  private keep(res: Response): void {
    for (const raw of res.headers.getSetCookie()) {
      const [pair = ''] = raw.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(raw)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<PageResult> {
    const res = await this.app.request(path, { headers: this.headers() });
    this.keep(res);
    return { res, status: res.status, html: await res.text() };
  }

  /** Posts exactly these fields (no token added). */
  async postRaw(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await this.app.request(path, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded', ...headers }),
      body: new URLSearchParams(fields),
    });
    this.keep(res);
    return { res, status: res.status, html: await res.text() };
  }

  /** Submits the form on `page` with its hidden fields plus `answers` (and the button's `action`). */
  async submit(page: PageResult, answers: Record<string, string>): Promise<PageResult> {
    const { action, fields } = formIn(page.html);
    return this.postRaw(action, { ...fields, ...answers });
  }
}

/** The one-time code sent for a verification (its id is in the code page's hidden `verification` field). */
export async function codeFor(database: Database, verificationId: string): Promise<string> {
  const [row] = await database.db
    .select({ body: deliveries.body })
    .from(deliveries)
    .where(eq(deliveries.purpose, `phone-verification:${verificationId}`));
  const code = row ? /\d{6}/.exec(row.body)?.[0] : undefined;
  if (!code) throw new Error(`no code in the outbox for verification ${verificationId}`);
  return code;
}

/** The code for the verification a code page is waiting for. */
export async function codeForPage(database: Database, page: PageResult): Promise<string> {
  const verification = formIn(page.html).fields.verification;
  if (!verification) throw new Error('page is not a code page');
  return codeFor(database, verification);
}

export interface WebFixture {
  /** Demo topic codes by key (e.g. `lift-block-3` → `T1`). */
  topics: Record<string, string>;
  /** A three-question satisfaction survey about the topic being evaluated. */
  surveyCode: string;
  kioskLocation: string;
}

/**
 * The demo street plus what the website shows beyond it: a kiosk in service and a satisfaction
 * survey (satisfaction, yes/no and free-text questions) about the evaluated demo topic.
 */
export async function loadWebFixture(deps: AppDeps): Promise<WebFixture> {
  const ctx = depsCtx(deps);
  await loadDemoData(ctx, { timeZone: deps.config.timeZone });
  const [state] = await deps.database.db
    .select({ value: systemState.value })
    .from(systemState)
    .where(eq(systemState.key, DEMO_DATA_STATE_KEY));
  const topicCodes = (state?.value as { topicCodes: Record<string, string> } | undefined)?.topicCodes ?? {};
  const evaluated = topicCodes['drinking-water'];
  const [topic] = evaluated
    ? await deps.database.db.select().from(topics).where(eq(topics.code, evaluated))
    : [];
  const [community] = await deps.database.db.select().from(communities).limit(1);
  const kioskLocation = '幸福里超市入口';
  await deps.database.db.insert(kioskDevices).values({
    label: 'xingfuli-market',
    location: { 'zh-CN': kioskLocation, 'zh-HK': '幸福里超市入口', en: 'Xingfuli supermarket entrance' },
    communityId: community?.id ?? null,
    tokenHash: randomBytes(32).toString('hex'),
  });
  const [survey] = await deps.database.db
    .insert(surveys)
    .values({
      title: {
        'zh-CN': '二次供水改造满意度',
        'zh-HK': '二次供水改造滿意度',
        en: 'Water tank works: satisfaction',
      },
      topicId: topic?.id ?? null,
      department: '区水务局',
    })
    .returning({ id: surveys.id, code: surveys.code });
  if (!survey) throw new Error('survey not stored');
  await deps.database.db.insert(surveyQuestions).values([
    {
      surveyId: survey.id,
      position: 1,
      kind: 'satisfaction',
      prompt: {
        'zh-CN': '您对二次供水改造的结果满意吗？',
        'zh-HK': '你對二次供水改造的結果滿意嗎？',
        en: 'How satisfied are you with the new water tanks?',
      },
    },
    {
      surveyId: survey.id,
      position: 2,
      kind: 'yes_no',
      prompt: {
        'zh-CN': '自来水的异味消失了吗？',
        'zh-HK': '食水的異味消失了嗎？',
        en: 'Has the smell in the tap water gone?',
      },
    },
    {
      surveyId: survey.id,
      position: 3,
      kind: 'text',
      prompt: {
        'zh-CN': '还有什么意见或建议？',
        'zh-HK': '還有甚麼意見或建議？',
        en: 'Anything else you would like to tell us?',
      },
    },
  ]);
  return { topics: topicCodes, surveyCode: survey.code, kioskLocation };
}
