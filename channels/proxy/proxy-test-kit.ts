/**
 * The app under test for the proxy console's route tests, and ways to use it as a grid worker or a
 * supervisor would: signed-in sessions, form posts with the session's CSRF token, the JSON queue
 * endpoint. Test-only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createApp } from '../../src/app.ts';
import { newTopic } from '../../src/conversations/conversation-test-kit.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { StaffRole } from '../../src/db/schema.ts';
import { newCommunity, newResident, newStaffMember, readBackFor } from '../../src/proxy/proxy-test-kit.ts';
import {
  createTestAppDeps,
  type TestAppDeps,
  type TestAppDepsOverrides,
} from '../../src/testing/test-app-deps.ts';
import type { TestDatabase } from '../../src/testing/test-database.ts';
import { depsCtx, type SignedIn, signInDirectly } from '../console/console-test-kit.ts';

export interface Member {
  id: string;
  session: SignedIn;
}

export interface ProxyHarness {
  deps: TestAppDeps;
  app: ReturnType<typeof createApp>;
  system: Ctx;
  communityId: string;
  /** A staff member with these roles, assigned to the harness's community, signed in. */
  member(roles: StaffRole[], options?: { displayName?: string; communityIds?: string[] }): Promise<Member>;
  /** A new session for a member (sessions end after 30 idle minutes on the test clock too). */
  signIn(member: Member): Promise<Member>;
  /** Ends the member's open visit, if any, with the button on the home page. */
  endVisit(as: Member): Promise<void>;
  get(path: string, as?: Member, accept?: string): Promise<{ status: number; html: string; res: Response }>;
  post(
    path: string,
    form: Record<string, string>,
    as?: Member,
    options?: { csrf?: string | null },
  ): Promise<{ status: number; html: string; location: string | null; res: Response }>;
  postJson(
    path: string,
    body: unknown,
    as?: Member,
    options?: { csrf?: string | null },
  ): Promise<{ status: number; body: unknown }>;
}

/** A queue prefix of its own, so jobs a test enqueues never meet anyone else's workers. */
export function testQueuePrefix(): string {
  return `gw-proxy-${randomBytes(4).toString('hex')}`;
}

export async function createProxyHarness(
  database: TestDatabase,
  overrides: TestAppDepsOverrides = {},
): Promise<ProxyHarness> {
  const deps = createTestAppDeps(database, {
    ...overrides,
    config: { queuePrefix: testQueuePrefix(), ...overrides.config },
  });
  const app = createApp(deps);
  const system = depsCtx(deps);
  const { id: communityId } = await newCommunity(database.db);
  const headers = (as: Member | undefined, extra: Record<string, string> = {}) => ({
    ...(as ? { cookie: as.session.cookie } : {}),
    ...extra,
  });
  const harness: ProxyHarness = {
    deps,
    app,
    system,
    communityId,
    async member(roles, options = {}) {
      const staffMember = await newStaffMember(system, roles, {
        communityIds: options.communityIds ?? [communityId],
        ...(options.displayName ? { displayName: options.displayName } : {}),
      });
      return { id: staffMember.id, session: await signInDirectly(deps, staffMember.id) };
    },
    async signIn(member) {
      return { id: member.id, session: await signInDirectly(deps, member.id) };
    },
    async endVisit(as) {
      const home = await harness.get('/proxy', as);
      const match = /action="\/proxy\/visits\/([0-9a-f-]{36})\/end"/.exec(home.html);
      if (match) await harness.post(`/proxy/visits/${match[1]}/end`, {}, as);
    },
    async get(path, as, accept = 'text/html') {
      const res = await app.request(path, { headers: headers(as, { accept }) });
      return { status: res.status, html: await res.text(), res };
    },
    async post(path, form, as, options = {}) {
      const csrf = options.csrf === undefined ? as?.session.csrfToken : options.csrf;
      const body = new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...form });
      const res = await app.request(path, {
        method: 'POST',
        headers: headers(as, { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }),
        body,
      });
      return { status: res.status, html: await res.text(), location: res.headers.get('location'), res };
    },
    async postJson(path, body, as, options = {}) {
      const csrf = options.csrf === undefined ? as?.session.csrfToken : options.csrf;
      const res = await app.request(path, {
        method: 'POST',
        headers: headers(as, {
          accept: 'application/json',
          'content-type': 'application/json',
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
        }),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
  };
  return harness;
}

/** Sends a record as the page's script does: with the read-back the server words for it, confirmed. */
export async function postRecordJson(
  h: ProxyHarness,
  as: Member,
  visitId: string,
  values: Parameters<typeof readBackFor>[1],
  id: string = randomUUID(),
) {
  const readBackText = await readBackFor(h.system, values);
  return h.postJson(
    '/proxy/api/records',
    { id, visitId, ...values, readBackText, readBackConfirmed: true },
    as,
  );
}

/** The value of a hidden input in a page. */
export function hiddenValue(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no hidden ${name} in page`);
  return (match[1] ?? '')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&#39;', "'");
}

/** Starts a visit through the form, as a grid worker would. */
export async function startVisitThroughForm(
  h: ProxyHarness,
  as: Member,
  residentId: string,
  fields: Record<string, string> = {},
): Promise<void> {
  const res = await h.post(
    '/proxy/visits',
    { residentId, reason: 'mobility', locale: 'zh-CN', consentKind: 'verbal', ...fields },
    as,
  );
  if (res.status !== 303) throw new Error(`visit not started: ${res.status} ${res.html.slice(0, 500)}`);
}

/** Records through the no-script path: the form, the read-back page, the confirmation. */
export async function recordThroughForms(
  h: ProxyHarness,
  as: Member,
  form: Record<string, string>,
): Promise<{ readBack: string; recordId: string }> {
  const visitPage = await h.get('/proxy/visit', as);
  const visitId = hiddenValue(visitPage.html, 'visitId');
  const readBackPage = await h.post(
    '/proxy/visit/read-back',
    { visitId, formId: form.kind ?? '', ...form },
    as,
  );
  if (readBackPage.status !== 200)
    throw new Error(`read-back refused: ${readBackPage.status} ${readBackPage.html.slice(0, 800)}`);
  const fields: Record<string, string> = {};
  for (const m of readBackPage.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    if (m[1] && m[1] !== '_csrf') fields[m[1]] = hiddenValue(readBackPage.html, m[1]);
  }
  const submitted = await h.post('/proxy/visit/records', { ...fields, readBackConfirmed: 'yes' }, as);
  if (submitted.status !== 303)
    throw new Error(`record refused: ${submitted.status} ${submitted.html.slice(0, 800)}`);
  const recordId = /done=([0-9a-f-]{36})/.exec(submitted.location ?? '')?.[1];
  if (!recordId) throw new Error(`no record id in ${submitted.location}`);
  return { readBack: fields.readBackText ?? '', recordId };
}

export { newResident, newTopic };
