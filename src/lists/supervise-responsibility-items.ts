import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import {
  LOCALES,
  type LocalizedText,
  residents,
  responsibilityItems,
  responsibilityProgress,
  type SupervisionKind,
  supervisionFlags,
  topicFollowers,
  topics,
} from '../db/schema.ts';
import { loadCampaignMessageFacts, renderInLocale } from '../outreach/campaign-message.ts';
import type { OutreachEnv } from '../outreach/outreach-env.ts';
import { queueOutboundMessage } from '../outreach/queue-outbound-message.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { timeZoneField } from '../topics/topic-input.ts';
import { localDate } from '../topics/working-days.ts';
import { renderCallMessageInLocale } from '../voice/outbound-call-message.ts';
import { anyUuid } from './any-uuid.ts';
import { itemTiming, silentDepartments } from './item-timing.ts';
import { ESCALATION_HANDLER_ROLES } from './lists-roles.ts';
import { parseListsInput } from './parse-lists-input.ts';
import type { ResponsibilityItem } from './responsibility-item.ts';

export const superviseResponsibilityItemsInput = z.object({ timeZone: timeZoneField });

export type SupervisionEnv = Pick<OutreachEnv, 'i18n' | 'defaultLocale' | 'senders'>;

export interface SupervisionRun {
  today: string;
  /** Flags raised by this run (a flag is raised once per item, kind and department). */
  flagged: Record<SupervisionKind, number>;
  /** Outbound notices written for the topics' followers. */
  noticesQueued: number;
  /** Earlier flags found answered (work done, or the department responded) and closed. */
  resolved: number;
}

/** A department name as long as an SMS can afford. */
function short(text: string, max = 24): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Staff-written text inside a message template: braces must not read as placeholders. */
function literal(text: string): string {
  return text.replaceAll('{{', '｛｛').replaceAll('}}', '｝｝');
}

interface Candidate {
  item: ResponsibilityItem & { topicCode: string };
  kind: SupervisionKind;
  department: string;
  missedOn: string;
}

/**
 * The daily supervision check (督办): every open item past its due day is flagged overdue; every
 * cross-department item whose 15-working-day response day has passed is flagged once for each
 * department that has not responded. A new flag is escalated in its own transaction: it goes on the
 * supervisors' escalation list, an audit entry names it, and each resident following the topic gets a
 * notice (text or call, in their language) that the item is late and under supervision. Running it
 * again the same day, or the next, raises nothing twice.
 */
export async function superviseResponsibilityItems(
  ctx: Ctx,
  input: z.input<typeof superviseResponsibilityItemsInput>,
  env: SupervisionEnv,
): Promise<SupervisionRun> {
  requireRole(ctx, ESCALATION_HANDLER_ROLES);
  const { timeZone } = parseListsInput(superviseResponsibilityItemsInput, input);
  const now = ctx.clock.now();
  const today = localDate(now, timeZone);

  // Answered flags first, so that a department that responded yesterday is not escalated again.
  const resolvedRows = await ctx.db
    .update(supervisionFlags)
    .set({ resolvedAt: now })
    .where(
      and(
        isNull(supervisionFlags.resolvedAt),
        or(
          sql`exists (select 1 from ${responsibilityItems} where ${responsibilityItems.id} = ${supervisionFlags.itemId} and ${responsibilityItems.status} = 'completed')`,
          and(
            eq(supervisionFlags.kind, 'no_response'),
            sql`exists (select 1 from ${responsibilityProgress} where ${responsibilityProgress.itemId} = ${supervisionFlags.itemId} and ${responsibilityProgress.department} = ${supervisionFlags.department})`,
          ),
        ),
      ),
    )
    .returning({ id: supervisionFlags.id });

  const open = await ctx.db
    .select({ item: responsibilityItems, topicCode: topics.code })
    .from(responsibilityItems)
    .innerJoin(topics, eq(topics.id, responsibilityItems.topicId))
    .where(ne(responsibilityItems.status, 'completed'));
  const ids = open.map((o) => o.item.id);
  const responded = new Map<string, Set<string>>();
  if (ids.length) {
    const rows = await ctx.db
      .selectDistinct({
        itemId: responsibilityProgress.itemId,
        department: responsibilityProgress.department,
      })
      .from(responsibilityProgress)
      .where(anyUuid(responsibilityProgress.itemId, ids));
    for (const r of rows) responded.set(r.itemId, (responded.get(r.itemId) ?? new Set()).add(r.department));
  }

  const candidates: Candidate[] = [];
  for (const { item, topicCode } of open) {
    const withCode = { ...item, topicCode };
    if (itemTiming(item, today).state === 'overdue') {
      candidates.push({ item: withCode, kind: 'overdue', department: item.department, missedOn: item.dueOn });
    }
    for (const department of silentDepartments(item, responded.get(item.id) ?? new Set(), today)) {
      candidates.push({
        item: withCode,
        kind: 'no_response',
        department,
        missedOn: item.responseDueOn ?? today,
      });
    }
  }

  // Flags raised on earlier days are skipped here rather than by a conflict per candidate.
  const raised = new Set(
    ids.length
      ? (
          await ctx.db
            .select({
              itemId: supervisionFlags.itemId,
              kind: supervisionFlags.kind,
              department: supervisionFlags.department,
            })
            .from(supervisionFlags)
            .where(anyUuid(supervisionFlags.itemId, ids))
        ).map((f) => `${f.itemId} ${f.kind} ${f.department}`)
      : [],
  );
  const fresh = candidates.filter((c) => !raised.has(`${c.item.id} ${c.kind} ${c.department}`));

  const run: SupervisionRun = {
    today,
    flagged: { overdue: 0, no_response: 0 },
    noticesQueued: 0,
    resolved: resolvedRows.length,
  };
  for (const candidate of fresh) {
    const notices = await ctx.db.transaction((tx) => escalate(withDb(ctx, tx), candidate, today, env));
    if (notices === undefined) continue;
    run.flagged[candidate.kind] += 1;
    run.noticesQueued += notices;
  }
  if (run.flagged.overdue || run.flagged.no_response) {
    ctx.log.info({ ...run.flagged, notices: run.noticesQueued, today }, 'supervision raised flags');
  }
  return run;
}

/** Raises one flag and escalates it; undefined when it had been raised before. */
async function escalate(
  ctx: Ctx,
  c: Candidate,
  today: string,
  env: SupervisionEnv,
): Promise<number | undefined> {
  const now = ctx.clock.now();
  const [flag] = await ctx.db
    .insert(supervisionFlags)
    .values({
      itemId: c.item.id,
      kind: c.kind,
      department: c.department,
      missedOn: c.missedOn,
      flaggedOn: today,
      flaggedAt: now,
    })
    .onConflictDoNothing({
      target: [supervisionFlags.itemId, supervisionFlags.kind, supervisionFlags.department],
    })
    .returning();
  if (!flag) return undefined;

  const followers = await ctx.db
    .select({
      residentId: topicFollowers.residentId,
      channel: topicFollowers.channel,
      locale: residents.preferredLocale,
    })
    .from(topicFollowers)
    .innerJoin(residents, eq(residents.id, topicFollowers.residentId))
    .where(eq(topicFollowers.topicId, c.item.topicId));
  let notices = 0;
  if (followers.length) {
    const templates: LocalizedText = {};
    for (const locale of LOCALES) {
      templates[locale] = env.i18n.forLocale(locale)(`lists:escalation.notice.${c.kind}`, {
        topicCode: c.item.topicCode,
        itemCode: c.item.code,
        department: literal(short(c.department)),
      });
    }
    const facts = await loadCampaignMessageFacts(ctx.db, {
      kind: 'notice',
      templates,
      topicId: c.item.topicId,
      surveyId: null,
      audience: {},
    });
    // A text carries the sender tag and how to opt out; a call says who is calling instead.
    const bodies = new Map<string, string>();
    for (const locale of LOCALES) {
      bodies.set(`sms ${locale}`, renderInLocale(env.i18n, facts, locale).body);
      bodies.set(`voice ${locale}`, renderCallMessageInLocale(env.i18n, facts, locale).body);
    }
    for (const follower of followers) {
      const locale = follower.locale ?? env.defaultLocale;
      const message = await queueOutboundMessage(
        ctx,
        {
          channel: follower.channel,
          residentId: follower.residentId,
          locale,
          body: bodies.get(`${follower.channel} ${locale}`) ?? '',
          purpose: `supervision:${flag.id}:${follower.residentId}`,
        },
        env.senders,
      );
      if (message.status !== 'failed') notices += 1;
    }
    await ctx.db
      .update(supervisionFlags)
      .set({ noticesQueued: notices })
      .where(eq(supervisionFlags.id, flag.id));
  }
  await appendAudit(ctx, {
    action: `supervision.${c.kind}`,
    subjectType: 'responsibility_item',
    subjectId: c.item.id,
    data: {
      code: c.item.code,
      topic: c.item.topicCode,
      department: c.department,
      missedOn: c.missedOn,
      flaggedOn: today,
      notices,
    },
  });
  return notices;
}
