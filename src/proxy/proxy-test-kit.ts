/**
 * Builders for proxy tests: a street and community, grid workers and supervisors assigned to it,
 * residents with or without a phone, a started visit, and a submitted record with its read-back
 * composed the way the console composes it. Test-only.
 */
import { randomUUID } from 'node:crypto';
import { newPhone } from '../conversations/conversation-test-kit.ts';
import type { Ctx } from '../core/context.ts';
import type { DbOrTx } from '../db/database.ts';
import { communities, type Locale, residents, type StaffRole, streets } from '../db/schema.ts';
import { getI18n } from '../i18n/i18n.ts';
import { createStaff } from '../staff/create-staff.ts';
import { applyReadBack, readBackTemplates } from './read-back.ts';
import { loadRecordSubject, readBackSubjectOf } from './record-subject.ts';
import { type StartProxyVisitInput, startProxyVisit } from './start-proxy-visit.ts';
import {
  type ProxyRecordEnv,
  type SubmitProxyRecordInput,
  submitProxyRecord,
} from './submit-proxy-record.ts';

let counter = 0;

export async function newCommunity(db: DbOrTx, name = '幸福里社区'): Promise<{ id: string }> {
  counter += 1;
  const [street] = await db
    .insert(streets)
    .values({ code: `st-proxy-${counter}-${randomUUID().slice(0, 6)}`, name: { 'zh-CN': '长安街道' } })
    .returning({ id: streets.id });
  if (!street) throw new Error('street not inserted');
  const [community] = await db
    .insert(communities)
    .values({
      streetId: street.id,
      code: `c-proxy-${counter}-${randomUUID().slice(0, 6)}`,
      name: { 'zh-CN': name, 'zh-HK': name, en: 'Xingfuli' },
    })
    .returning({ id: communities.id });
  if (!community) throw new Error('community not inserted');
  return community;
}

/** A staff member; `ctx` returned acts as them. */
export async function newStaffMember(
  system: Ctx,
  roles: StaffRole[],
  options: { communityIds?: string[]; displayName?: string } = {},
): Promise<{ id: string; ctx: Ctx }> {
  counter += 1;
  const created = await createStaff(system, {
    username: `proxy-${counter}-${randomUUID().slice(0, 8)}`,
    displayName: options.displayName ?? `王丽${counter}`,
    password: 'correct horse 42 battery',
    roles,
    communityIds: options.communityIds ?? [],
  });
  return { id: created.id, ctx: { ...system, actor: { type: 'staff', staffId: created.id, roles } } };
}

export async function newResident(
  ctx: Ctx,
  options: {
    communityId?: string | null;
    phone?: string | null;
    name?: string;
    locale?: Locale;
    accessibilityNeeds?: (typeof residents.$inferInsert)['accessibilityNeeds'];
  } = {},
): Promise<{ id: string; phone: string | null }> {
  const phone = options.phone === undefined ? newPhone() : options.phone;
  const [row] = await ctx.db
    .insert(residents)
    .values({
      name: options.name ?? '李阿姨',
      phoneCipher: phone ? ctx.pii.encryptPhone(phone) : null,
      phoneHash: phone ? ctx.pii.phoneHash(phone) : null,
      communityId: options.communityId ?? null,
      preferredLocale: options.locale ?? 'zh-CN',
      preferredChannel: phone ? 'sms' : 'visit',
      accessibilityNeeds: options.accessibilityNeeds ?? [],
    })
    .returning({ id: residents.id });
  if (!row) throw new Error('resident not inserted');
  return { id: row.id, phone };
}

export async function visitFor(
  writer: Ctx,
  residentId: string,
  overrides: Partial<StartProxyVisitInput> = {},
) {
  return startProxyVisit(writer, {
    residentId,
    reason: 'mobility',
    locale: 'zh-CN',
    consentKind: 'verbal',
    ...overrides,
  });
}

/** The read-back the console would show for this record. */
export async function readBackFor(
  ctx: Ctx,
  input: Pick<SubmitProxyRecordInput, 'kind' | 'topic' | 'survey' | 'question' | 'choice' | 'text' | 'place'>,
  options: { locale?: Locale; correction?: boolean } = {},
): Promise<string> {
  const locale = options.locale ?? 'zh-CN';
  const t = getI18n().forLocale(locale);
  const subject = await loadRecordSubject(ctx, {
    kind: input.kind,
    topicRef: input.topic,
    surveyRef: input.survey,
    questionRef: input.question,
  });
  const text = applyReadBack(
    readBackTemplates(t, readBackSubjectOf(subject, t, locale), { correction: options.correction ?? false }),
    { choice: input.choice, text: input.text, place: input.place },
  );
  if (!text) throw new Error('no read-back for these values');
  return text;
}

export function proxyEnv(overrides: Partial<ProxyRecordEnv> = {}): ProxyRecordEnv {
  return { i18n: getI18n(), senders: {}, timeZone: 'Asia/Shanghai', helpPhone: '12345', ...overrides };
}

/** Submits a record with the read-back the console would have shown, confirmed. */
export async function submitRecord(
  writer: Ctx,
  visit: { id: string; locale: Locale },
  input: Omit<SubmitProxyRecordInput, 'clientId' | 'visitId' | 'readBackText' | 'readBackConfirmed'> &
    Partial<Pick<SubmitProxyRecordInput, 'clientId'>>,
  env: ProxyRecordEnv = proxyEnv(),
) {
  const readBackText = await readBackFor(writer, input, {
    locale: visit.locale,
    correction: input.correctsId !== undefined,
  });
  return submitProxyRecord(
    writer,
    { clientId: randomUUID(), visitId: visit.id, readBackText, readBackConfirmed: true, ...input },
    env,
  );
}
