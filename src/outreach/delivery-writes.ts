/**
 * The two writes every send makes — claiming the delivery (`sending`) before the provider is called and
 * acknowledging it (`sent`) after — as set-based statements. A worker process shares a batched pair
 * between its concurrent sends: claims or acknowledgements asked for in the same turn of the event loop
 * go to the database as one statement, which is what lets one worker send thousands a second.
 */
import { and, eq, sql } from 'drizzle-orm';
import {
  type SetPendingPromptInput,
  setPendingPrompt,
  setPendingPromptInput,
} from '../conversations/set-pending-prompt.ts';
import { coalesceCalls, settlingAll } from '../core/coalesce-calls.ts';
import type { Ctx } from '../core/context.ts';
import type { DbOrTx } from '../db/database.ts';
import {
  type AccessibilityNeed,
  type CampaignKind,
  type CampaignStatus,
  type ContactChannel,
  campaigns,
  type DeliveryStatus,
  deliveries,
  type Locale,
  pendingPrompts,
  residentOptOuts,
  residents,
  surveyQuestions,
} from '../db/schema.ts';
import type { OutboundChannel } from './sender.ts';

/** What claiming a delivery returns: the row as it was, the resident and the campaign. */
export interface ClaimedRow {
  id: string;
  previous_status: DeliveryStatus;
  previous_duplicate: boolean;
  previous_sending_at: string | Date | null;
  possible_duplicate: boolean;
  /** Tries so far, this one included. */
  attempts: number;
  channel: OutboundChannel;
  resident_id: string;
  locale: Locale;
  body: string;
  campaign_id: string | null;
  phone_cipher: string | null;
  preferred_channel: ContactChannel;
  accessibility_needs: AccessibilityNeed[];
  quiet_start_minute: number;
  quiet_end_minute: number;
  time_zone: string;
  opted_out: boolean;
  campaign_status: CampaignStatus | null;
  campaign_kind: CampaignKind | null;
  /** Whether the campaign (a notice about a topic) asks for 1/2. */
  asks_stance: boolean | null;
  topic_id: string | null;
  survey_id: string | null;
  first_question_id: string | null;
}

export interface DeliveryWrites {
  /**
   * Marks a waiting (`queued` or `sending`) delivery `sending` and returns it with everything the send
   * depends on; undefined when it is not waiting. A delivery already `sending` becomes a possible duplicate.
   */
  claim(deliveryId: string, now: Date): Promise<ClaimedRow | undefined>;
  /** Records the provider's acceptance: `sent`, unless a status callback already moved it further. */
  markSent(deliveryId: string, providerId: string, now: Date): Promise<void>;
  /** What the resident was just asked, so that a bare "1" in the reply can be understood. */
  rememberPrompt(input: SetPendingPromptInput, now: Date): Promise<void>;
  /**
   * Forgets an earlier "support 1 / oppose 2" about this topic: the resident was just told something
   * that asked nothing, so a bare "1" now must not count as support.
   */
  forgetStancePrompt(residentId: string, topicId: string): Promise<void>;
}

async function forgetStancePrompt(db: DbOrTx, residentId: string, topicId: string): Promise<void> {
  await db
    .delete(pendingPrompts)
    .where(
      and(
        eq(pendingPrompts.residentId, residentId),
        eq(pendingPrompts.kind, 'topic_notice'),
        eq(pendingPrompts.topicId, topicId),
      ),
    );
}

async function claimMany(db: DbOrTx, ids: string[], now: Date): Promise<ClaimedRow[]> {
  const at = now.toISOString();
  const result = (await db.execute(sql`
    update ${deliveries} as d set
      status = 'sending', sending_at = ${at}::timestamptz, attempts = d.attempts + 1,
      possible_duplicate = d.possible_duplicate or d.status = 'sending', updated_at = ${at}::timestamptz
    from ${deliveries} as old
      join ${residents} as r on r.id = old.resident_id
      left join ${campaigns} as c on c.id = old.campaign_id
    where d.id = any(${sql.param(ids)}::uuid[]) and old.id = d.id and d.status in ('queued', 'sending')
    returning d.id, old.status as previous_status, old.possible_duplicate as previous_duplicate,
      old.sending_at as previous_sending_at, d.possible_duplicate, d.attempts, d.channel, d.resident_id, d.locale, d.body,
      d.campaign_id, r.phone_cipher, r.preferred_channel, r.accessibility_needs, r.quiet_start_minute,
      r.quiet_end_minute, r.time_zone,
      exists (select 1 from ${residentOptOuts} o where o.resident_id = d.resident_id and o.channel = d.channel and o.opted_out) as opted_out,
      c.status as campaign_status, c.kind as campaign_kind, c.asks_stance, c.topic_id, c.survey_id,
      (select q.id from ${surveyQuestions} q where q.survey_id = c.survey_id order by q.position limit 1) as first_question_id`)) as unknown as {
    rows: ClaimedRow[];
  };
  return result.rows;
}

interface Ack {
  deliveryId: string;
  providerId: string;
  now: Date;
}

async function markManySent(db: DbOrTx, acks: Ack[]): Promise<void> {
  await db.execute(sql`
    update ${deliveries} as d set
      -- Only a send in progress becomes sent: a status callback may already have moved the delivery on,
      -- or (a call nobody answered) put it back in the queue for another try.
      status = case when d.status = 'sending' then 'sent' else d.status end,
      provider_id = v.provider_id, error = case when d.status = 'sending' then null else d.error end,
      sent_at = coalesce(d.sent_at, v.at), updated_at = v.at
    from unnest(${sql.param(acks.map((a) => a.deliveryId))}::uuid[], ${sql.param(acks.map((a) => a.providerId))}::text[],
      ${sql.param(acks.map((a) => a.now.toISOString()))}::timestamptz[]) as v(id, provider_id, at)
    where d.id = v.id`);
}

/**
 * Many prompts in one upsert: the same rows setPendingPrompt writes, from inputs checked by its own
 * schema. A resident asked twice in one batch keeps the later prompt, as two calls in turn would.
 */
async function rememberMany(
  db: DbOrTx,
  prompts: { input: SetPendingPromptInput; now: Date }[],
): Promise<void> {
  const byResident = new Map<string, typeof pendingPrompts.$inferInsert>();
  for (const { input, now } of prompts) {
    const p = setPendingPromptInput.parse(input);
    byResident.set(p.residentId, {
      residentId: p.residentId,
      channel: p.channel,
      kind: p.kind,
      topicId: p.topicId ?? null,
      surveyId: p.kind === 'survey_question' ? (p.surveyId ?? null) : null,
      questionId: p.kind === 'survey_question' ? (p.questionId ?? null) : null,
      campaignId: p.campaignId ?? null,
      deliveryId: p.deliveryId ?? null,
      clarified: false,
      expiresAt: p.expiresAt,
      createdAt: now,
    });
  }
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  await db
    .insert(pendingPrompts)
    .values([...byResident.values()])
    .onConflictDoUpdate({
      target: pendingPrompts.residentId,
      set: {
        channel: excluded('channel'),
        kind: excluded('kind'),
        topicId: excluded('topic_id'),
        surveyId: excluded('survey_id'),
        questionId: excluded('question_id'),
        campaignId: excluded('campaign_id'),
        deliveryId: excluded('delivery_id'),
        clarified: excluded('clarified'),
        expiresAt: excluded('expires_at'),
        createdAt: excluded('created_at'),
      },
    });
}

/** One statement per write: for a single send, a test, or anything inside a transaction. */
export function directDeliveryWrites(ctx: Ctx): DeliveryWrites {
  return {
    claim: async (deliveryId, now) => (await claimMany(ctx.db, [deliveryId], now))[0],
    markSent: (deliveryId, providerId, now) => markManySent(ctx.db, [{ deliveryId, providerId, now }]),
    rememberPrompt: async (input) => {
      await setPendingPrompt(ctx, input);
    },
    forgetStancePrompt: (residentId, topicId) => forgetStancePrompt(ctx.db, residentId, topicId),
  };
}

/**
 * Calls made in the same turn of the event loop (up to `maxBatch` each) run as one; every caller gets
 * its own result, or the batch's error. Batches are not limited in number: each is one statement.
 */
function batched<I, O>(run: (inputs: I[]) => Promise<O[]>, maxBatch: number): (input: I) => Promise<O> {
  return coalesceCalls<I, O>({ run: settlingAll(run), maxBatch, maxInFlight: Number.POSITIVE_INFINITY });
}

/** Claims and acknowledgements shared by a worker's concurrent sends, batched per event-loop turn. */
export function batchedDeliveryWrites(db: DbOrTx, maxBatch = 200): DeliveryWrites {
  const claim = batched<{ deliveryId: string; now: Date }, ClaimedRow | undefined>(async (inputs) => {
    const rows = await claimMany(
      db,
      inputs.map((i) => i.deliveryId),
      (inputs[0] as { now: Date }).now,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return inputs.map((i) => byId.get(i.deliveryId));
  }, maxBatch);
  const ack = batched<Ack, void>(async (acks) => {
    await markManySent(db, acks);
    return acks.map(() => undefined);
  }, maxBatch);
  const remember = batched<{ input: SetPendingPromptInput; now: Date }, void>(async (prompts) => {
    await rememberMany(db, prompts);
    return prompts.map(() => undefined);
  }, maxBatch);
  return {
    claim: (deliveryId, now) => claim({ deliveryId, now }),
    markSent: (deliveryId, providerId, now) => ack({ deliveryId, providerId, now }),
    rememberPrompt: (input, now) => remember({ input, now }),
    forgetStancePrompt: (residentId, topicId) => forgetStancePrompt(db, residentId, topicId),
  };
}
