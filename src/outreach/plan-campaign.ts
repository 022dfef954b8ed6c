import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import {
  type AccessibilityNeed,
  type CampaignStatus,
  type ContactChannel,
  campaigns,
  type DeliveryStatus,
  deliveries,
  type Locale,
  residentOptOuts,
  residents,
} from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { renderCallMessages } from '../voice/outbound-call-message.ts';
import { audienceCondition } from './campaign-audience.ts';
import {
  assertFitsSegments,
  distinctMessages,
  loadCampaignMessageFacts,
  type RenderedMessage,
  renderCampaignMessages,
} from './campaign-message.ts';
import { contactRoute } from './contact-route.ts';
import {
  assertMayManageCampaigns,
  type Campaign,
  getCampaign,
  illegalCampaignStatus,
} from './find-campaign.ts';
import type { DeliveryJob, OutreachEnv } from './outreach-env.ts';
import { quietHoursEnd } from './quiet-hours.ts';
import type { OutboundChannel } from './sender.ts';

export const planCampaignInput = z.object({
  /** The campaign's code ('C12') or id. */
  campaign: z.string().trim().min(1),
});
export type PlanCampaignInput = z.input<typeof planCampaignInput>;

/** Residents read, and deliveries written, per statement: 6 array parameters however many rows. */
export const PLAN_BATCH_SIZE = 2_000;

/**
 * Send jobs per call to the queue. Each job is several objects in the queue client until Redis has
 * answered the whole call; small calls let most of them die young instead of piling up in the old
 * generation, which is what drives the process's memory up while 100,000 are planned.
 */
export const ENQUEUE_CHUNK = 250;

const PLANNABLE: readonly CampaignStatus[] = ['draft', 'scheduled', 'planned', 'sending'];

export interface PlanCampaignResult {
  campaign: Campaign;
  messages: RenderedMessage[];
  /** Deliveries written by this call (0 when re-planning finds everyone already planned). */
  planned: number;
  /** Of those: waiting to be sent, opted out, listed for a home visit, held (no sender). */
  queued: number;
  skippedOptedOut: number;
  routedToVisit: number;
  held: number;
  /** Send jobs handed to the queue by this call. */
  enqueued: number;
  /** All deliveries of the campaign afterwards, by status. */
  totals: Partial<Record<DeliveryStatus, number>>;
}

export interface PlanCampaignOptions {
  batchSize?: number;
  /** Plans of at least this many deliveries refresh the table's statistics (tests lower it). */
  analyzeAfterPlanned?: number;
  /** False when the caller's own audit entry records the planning. */
  audit?: boolean;
}

interface AudienceRow {
  id: string;
  preferredLocale: Locale | null;
  preferredChannel: ContactChannel;
  accessibilityNeeds: AccessibilityNeed[];
  hasPhone: boolean;
  quietStartMinute: number;
  quietEndMinute: number;
  timeZone: string;
  smsOptedOut: boolean;
  voiceOptedOut: boolean;
}

interface PlannedRow {
  id: string;
  resident_id: string;
  channel: OutboundChannel;
  status: DeliveryStatus;
}

/**
 * A column of values without commas (ids, codes, numbers) as one text parameter: the driver's array
 * encoding makes several strings per element, which for 100,000 rows is most of planning's garbage.
 */
const list = (values: readonly (string | number)[]) => sql`string_to_array(${values.join(',')}, ',')`;

const optedOut = (channel: OutboundChannel) =>
  sql<boolean>`exists (select 1 from ${residentOptOuts} where ${residentOptOuts.residentId} = ${residents.id} and ${residentOptOuts.channel} = ${channel} and ${residentOptOuts.optedOut})`;

/**
 * A plan this large changes the deliveries table more than its statistics know until autovacuum next
 * looks, up to a minute later: meanwhile the planner misjudges the workers' claim and acknowledgement
 * statements, and dispatch right after planning 100,000 ran at 2,300 instead of 3,200 sends/s.
 */
const ANALYZE_AFTER_PLANNED = 5_000;

async function refreshDeliveryStatistics(ctx: Ctx): Promise<void> {
  try {
    // Its own transaction, or a savepoint within the caller's, so that a failure leaves that usable.
    await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`analyze ${deliveries}`);
    });
  } catch (error) {
    // Only the plans of later statements are at stake, never the campaign.
    ctx.log.warn({ err: error }, 'could not refresh the deliveries statistics');
  }
}

/**
 * Writes one delivery per resident of the audience (unique per campaign and resident, so planning again
 * adds only residents not yet planned) and enqueues one send job per new queued delivery, keyed by the
 * delivery id. Each resident gets the message in their language, rendered once per language; residents
 * who cannot read go to voice when it can send, else to a home-visit list; opted-out residents are
 * recorded as skipped. Works inside a transaction too (nothing is enqueued until `env.queue` is given;
 * the sweep enqueues what was written). Statements are batched and the queue is fed while the next
 * batch is written.
 */
export async function planCampaign(
  ctx: Ctx,
  input: PlanCampaignInput,
  env: OutreachEnv,
  options: PlanCampaignOptions = {},
): Promise<PlanCampaignResult> {
  assertMayManageCampaigns(ctx);
  const { campaign: ref } = parseTopicInput(planCampaignInput, input);
  const batchSize = options.batchSize ?? PLAN_BATCH_SIZE;
  const campaign = await getCampaign(ctx.db, ref);
  if (!PLANNABLE.includes(campaign.status)) throw illegalCampaignStatus(campaign.status, 'plan');

  const facts = await loadCampaignMessageFacts(ctx.db, campaign);
  const byLocale = renderCampaignMessages(env.i18n, facts, env.defaultLocale);
  const messages = distinctMessages(byLocale);
  assertFitsSegments(messages);
  // A call says its own words (no sender tag or "reply TD"); its survey questions are asked one by one.
  const callsByLocale = renderCallMessages(env.i18n, facts, env.defaultLocale);
  const bodies = [
    ...new Set([...messages.map((m) => m.body), ...Object.values(callsByLocale).map((m) => m.body)]),
  ];
  const bodyIndexOf = (rendered: Record<Locale, { body: string }>) =>
    new Map<Locale, number>(
      Object.entries(rendered).map(([locale, m]) => [locale as Locale, bodies.indexOf(m.body) + 1]),
    );
  const bodyIndex = { sms: bodyIndexOf(byLocale), voice: bodyIndexOf(callsByLocale) };

  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const quietEnds = new Map<string, Date | undefined>();
  const notBefore = (r: AudienceRow): Date | undefined => {
    const key = `${r.timeZone}|${r.quietStartMinute}|${r.quietEndMinute}`;
    if (!quietEnds.has(key)) {
      quietEnds.set(
        key,
        quietHoursEnd(now, {
          startMinute: r.quietStartMinute,
          endMinute: r.quietEndMinute,
          timeZone: r.timeZone,
        }),
      );
    }
    return quietEnds.get(key);
  };

  const audience = audienceCondition(campaign.audience, env.defaultLocale);
  const purposePrefix = `campaign:${campaign.id}:`;
  const tally = { planned: 0, queued: 0, skippedOptedOut: 0, routedToVisit: 0, held: 0, enqueued: 0 };
  let enqueueing: Promise<void> = Promise.resolve();
  let after: string | undefined;

  for (;;) {
    const rows: AudienceRow[] = await ctx.db
      .select({
        id: residents.id,
        preferredLocale: residents.preferredLocale,
        preferredChannel: residents.preferredChannel,
        accessibilityNeeds: residents.accessibilityNeeds,
        hasPhone: sql<boolean>`${residents.phoneCipher} is not null`,
        quietStartMinute: residents.quietStartMinute,
        quietEndMinute: residents.quietEndMinute,
        timeZone: residents.timeZone,
        smsOptedOut: optedOut('sms'),
        voiceOptedOut: optedOut('voice'),
      })
      .from(residents)
      .where(and(audience, after ? gt(residents.id, after) : undefined))
      .orderBy(asc(residents.id))
      .limit(batchSize);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.id;

    const ids: string[] = [];
    const channels: OutboundChannel[] = [];
    const locales: Locale[] = [];
    const bodyIndexes: number[] = [];
    const statuses: DeliveryStatus[] = [];
    const byResident = new Map<string, AudienceRow>();
    for (const r of rows) {
      const locale = r.preferredLocale ?? env.defaultLocale;
      const route = contactRoute(r, env.senders);
      let channel: OutboundChannel;
      let status: DeliveryStatus;
      if (route === 'visit') {
        channel =
          r.accessibilityNeeds.includes('cannot_read') || r.preferredChannel === 'voice' ? 'voice' : 'sms';
        status = 'routed_to_visit';
      } else {
        channel = route;
        if (channel === 'sms' ? r.smsOptedOut : r.voiceOptedOut) status = 'skipped_opted_out';
        else if (env.senders && !env.senders[channel]) status = 'held_no_credentials';
        else status = 'queued';
      }
      ids.push(r.id);
      channels.push(channel);
      locales.push((channel === 'voice' ? callsByLocale : byLocale)[locale].locale);
      bodyIndexes.push(bodyIndex[channel].get(locale) ?? 1);
      statuses.push(status);
      byResident.set(r.id, r);
    }

    const inserted = (await ctx.db.execute(sql`
      insert into ${deliveries} (campaign_id, channel, resident_id, locale, body, status, purpose, finished_at, created_at, updated_at)
      select ${campaign.id}::uuid, u.channel, u.resident_id, u.locale, (${sql.param(bodies)}::text[])[u.body_index],
        u.status, ${purposePrefix} || u.resident_id::text,
        case when u.status in ('skipped_opted_out', 'routed_to_visit') then ${nowIso}::timestamptz end,
        ${nowIso}::timestamptz, ${nowIso}::timestamptz
      from unnest(${list(ids)}::uuid[], ${list(channels)}::text[], ${list(locales)}::text[],
        ${list(bodyIndexes)}::int[], ${list(statuses)}::text[])
        as u(resident_id, channel, locale, body_index, status)
      on conflict do nothing
      returning id, resident_id, channel, status`)) as unknown as { rows: PlannedRow[] };

    const jobs: DeliveryJob[] = [];
    for (const row of inserted.rows) {
      tally.planned += 1;
      switch (row.status) {
        case 'queued': {
          tally.queued += 1;
          const resident = byResident.get(row.resident_id);
          const until = resident ? notBefore(resident) : undefined;
          jobs.push({
            deliveryId: row.id,
            channel: row.channel,
            ...(until ? { delayMs: until.getTime() - now.getTime() } : {}),
          });
          break;
        }
        case 'skipped_opted_out':
          tally.skippedOptedOut += 1;
          break;
        case 'routed_to_visit':
          tally.routedToVisit += 1;
          break;
        default:
          tally.held += 1;
      }
    }
    // At most one batch in flight to the queue while the next one is read and written.
    await enqueueing;
    const queue = env.queue;
    if (queue && jobs.length) {
      enqueueing = (async () => {
        for (let i = 0; i < jobs.length; i += ENQUEUE_CHUNK) {
          const chunk = jobs.slice(i, i + ENQUEUE_CHUNK);
          await queue.enqueue(chunk);
          tally.enqueued += chunk.length;
        }
      })().catch((error: unknown) => {
        // The rows are written: the outbox sweep enqueues them once the queue is back.
        ctx.log.warn(
          { err: error, campaignId: campaign.id, jobs: jobs.length },
          'could not enqueue send jobs',
        );
      });
    }
    if (rows.length < batchSize) break;
  }
  await enqueueing;
  if (tally.planned >= (options.analyzeAfterPlanned ?? ANALYZE_AFTER_PLANNED)) {
    await refreshDeliveryStatistics(ctx);
  }

  const finish = async (tx: Ctx) => {
    const [updated] = await tx.db
      .update(campaigns)
      .set({
        status: sql`case when ${campaigns.status} in ('draft', 'scheduled') then 'planned' else ${campaigns.status} end`,
        plannedAt: sql`coalesce(${campaigns.plannedAt}, ${nowIso}::timestamptz)`,
      })
      .where(eq(campaigns.id, campaign.id))
      .returning();
    const totalsRows = await tx.db
      .select({ status: deliveries.status, n: count() })
      .from(deliveries)
      .where(eq(deliveries.campaignId, campaign.id))
      .groupBy(deliveries.status);
    const totals = Object.fromEntries(totalsRows.map((r) => [r.status, r.n])) as PlanCampaignResult['totals'];
    if (options.audit !== false)
      await appendAudit(tx, {
        action: 'campaign.plan',
        subjectType: 'campaign',
        subjectId: campaign.id,
        data: {
          code: campaign.code,
          planned: tally.planned,
          queued: tally.queued,
          skippedOptedOut: tally.skippedOptedOut,
          routedToVisit: tally.routedToVisit,
          held: tally.held,
          segments: Object.fromEntries(messages.map((m) => [m.locale, m.size.segments])),
        },
      });
    return { campaign: updated ?? campaign, totals };
  };
  const { campaign: planned, totals } =
    'rollback' in ctx.db ? await finish(ctx) : await ctx.db.transaction((tx) => finish(withDb(ctx, tx)));
  ctx.log.info({ campaignId: campaign.id, code: campaign.code, ...tally }, 'campaign planned');
  return { campaign: planned, messages, ...tally, totals };
}
