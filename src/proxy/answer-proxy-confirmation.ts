import { and, count, desc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import {
  CONFIRMATION_CHANNELS,
  type ConfirmationStatus,
  pendingPrompts,
  proxyAlerts,
  proxyConfirmations,
  proxyRecords,
  proxyVisitList,
} from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { parseProxyInput } from './proxy-input.ts';

export const answerProxyConfirmationInput = z.object({
  proxyRecordId: z.uuid(),
  answer: z.enum(['confirmed', 'disputed']),
  /** How the resident answered: an SMS reply, a phone call, or in person to another staff member. */
  via: z.enum(CONFIRMATION_CHANNELS),
  /** What carried the answer: the SMS reply's intake id, the call's sid. */
  evidence: z.string().trim().max(200).optional(),
});
export type AnswerProxyConfirmationInput = z.input<typeof answerProxyConfirmationInput>;

export interface ProxyConfirmationAnswered {
  recordId: string;
  residentId: string;
  status: ConfirmationStatus;
  previous: ConfirmationStatus;
  /** False when the answer changed nothing (the same answer again, or the record was superseded). */
  changed: boolean;
  /** The supervisor alert a dispute raised (undefined when none was raised now). */
  alertId?: string;
}

/** Statuses an answer may replace: the resident's latest word counts, until a correction supersedes it. */
const ANSWERABLE: readonly ConfirmationStatus[] = [
  'awaiting_reply',
  'awaiting_visit',
  'unconfirmed',
  'confirmed',
  'disputed',
];

/** Whether this actor may answer for the record's resident. */
function checkActor(
  ctx: Ctx,
  record: { residentId: string; proxyStaffId: string },
  via: 'sms' | 'voice' | 'visit',
): void {
  const actor = ctx.actor;
  switch (actor.type) {
    case 'system':
      return;
    case 'resident':
      if (actor.residentId === record.residentId && via !== 'visit') return;
      throw new ServiceError('forbidden', 'proxy:errors.notYourRecord');
    case 'staff':
      // In person only, and never by the proxy who wrote it: the check must come from someone else.
      if (via !== 'visit') throw new ServiceError('forbidden', 'proxy:errors.forbidden');
      if (actor.staffId === record.proxyStaffId) {
        throw new ServiceError('forbidden', 'proxy:errors.ownRecordSecondVisit');
      }
      if (!actor.roles.some((r) => r === 'grid_worker' || r === 'supervisor')) {
        throw new ServiceError('forbidden', 'proxy:errors.forbidden');
      }
      return;
    case 'proxy':
      throw new ServiceError('forbidden', 'proxy:errors.forbidden');
  }
}

/**
 * Records the resident's answer to "is this what you asked us to submit?": confirmed or disputed.
 * Idempotent (the same answer again changes nothing); a different later answer replaces the earlier
 * one (the resident's latest word counts). A dispute raises one alert for the supervisors. Audited.
 * When the resident's SMS prompt was about this record it moves on to their next record still
 * awaiting an answer, or is cleared.
 */
export async function answerProxyConfirmation(
  ctx: Ctx,
  input: AnswerProxyConfirmationInput,
): Promise<ProxyConfirmationAnswered> {
  const data = parseProxyInput(answerProxyConfirmationInput, input);
  const run = async (tx: Ctx): Promise<ProxyConfirmationAnswered> => {
    const [row] = await tx.db
      .select({ confirmation: proxyConfirmations, record: proxyRecords })
      .from(proxyConfirmations)
      .innerJoin(proxyRecords, eq(proxyRecords.id, proxyConfirmations.recordId))
      .where(eq(proxyConfirmations.recordId, data.proxyRecordId))
      .for('update', { of: proxyConfirmations });
    if (!row) throw new ServiceError('not_found', 'proxy:errors.recordNotFound');
    const { confirmation, record } = row;
    checkActor(tx, record, data.via);
    const previous = confirmation.status;
    const base = { recordId: record.id, residentId: record.residentId, previous };
    if (!ANSWERABLE.includes(previous) || previous === data.answer) {
      await moveResidentPrompt(tx, record.residentId, record.id);
      return { ...base, status: previous, changed: false };
    }
    const now = tx.clock.now();
    await tx.db
      .update(proxyConfirmations)
      .set({
        status: data.answer,
        answeredAt: now,
        answeredVia: data.via,
        evidence: data.evidence ?? null,
        answeredByStaffId: tx.actor.type === 'staff' ? tx.actor.staffId : null,
        updatedAt: now,
      })
      .where(eq(proxyConfirmations.recordId, record.id));
    await appendAudit(tx, {
      action: data.answer === 'confirmed' ? 'proxy.record_confirmed' : 'proxy.record_disputed',
      subjectType: 'proxy_record',
      subjectId: record.id,
      data: {
        residentId: record.residentId,
        proxyStaffId: record.proxyStaffId,
        previous,
        via: data.via,
        evidence: data.evidence ?? null,
      },
    });
    let alertId: string | undefined;
    if (data.answer === 'disputed') {
      const [alert] = await tx.db
        .insert(proxyAlerts)
        .values({
          recordId: record.id,
          proxyStaffId: record.proxyStaffId,
          communityId: record.communityId,
          kind: 'disputed',
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: proxyAlerts.id });
      if (alert) {
        alertId = alert.id;
        await appendAudit(tx, {
          action: 'proxy.alert_raised',
          subjectType: 'proxy_alert',
          subjectId: alert.id,
          data: { recordId: record.id, proxyStaffId: record.proxyStaffId, kind: 'disputed' },
        });
      }
    }
    await moveResidentPrompt(tx, record.residentId, record.id);
    if (data.via === 'visit') await closeAnsweredSecondVisits(tx, record.residentId);
    tx.log.info({ recordId: record.id, status: data.answer, via: data.via }, 'proxy record answered');
    return { ...base, status: data.answer, changed: true, ...(alertId ? { alertId } : {}) };
  };
  return 'rollback' in ctx.db ? run(ctx) : ctx.db.transaction((tx) => run(withDb(ctx, tx)));
}

/**
 * The resident's next record still awaiting an SMS answer (newest first), other than `exceptId`.
 */
export async function nextRecordAwaitingReply(
  ctx: Ctx,
  residentId: string,
  exceptId: string,
): Promise<{ recordId: string; dueAt: Date } | undefined> {
  const [next] = await ctx.db
    .select({ recordId: proxyConfirmations.recordId, dueAt: proxyConfirmations.dueAt })
    .from(proxyConfirmations)
    .where(
      and(
        eq(proxyConfirmations.residentId, residentId),
        eq(proxyConfirmations.status, 'awaiting_reply'),
        eq(proxyConfirmations.channel, 'sms'),
        ne(proxyConfirmations.recordId, exceptId),
      ),
    )
    .orderBy(desc(proxyConfirmations.askedAt))
    .limit(1);
  return next;
}

/** A second visit is done once no record of the resident awaits an answer in person. */
async function closeAnsweredSecondVisits(ctx: Ctx, residentId: string): Promise<void> {
  const [left] = await ctx.db
    .select({ n: count() })
    .from(proxyConfirmations)
    .where(
      and(eq(proxyConfirmations.residentId, residentId), eq(proxyConfirmations.status, 'awaiting_visit')),
    );
  if ((left?.n ?? 0) > 0) return;
  const now = ctx.clock.now();
  const closed = await ctx.db
    .update(proxyVisitList)
    .set({
      status: 'done',
      closedAt: now,
      closedBy: ctx.actor.type === 'staff' ? ctx.actor.staffId : null,
      closedNote: 'answered',
    })
    .where(
      and(
        eq(proxyVisitList.residentId, residentId),
        eq(proxyVisitList.reason, 'second_visit'),
        eq(proxyVisitList.status, 'open'),
      ),
    )
    .returning({ id: proxyVisitList.id });
  for (const item of closed) {
    await appendAudit(ctx, {
      action: 'proxy.visit_list_closed',
      subjectType: 'visit_list_item',
      subjectId: item.id,
      data: { residentId, reason: 'second_visit', note: 'answered' },
    });
  }
}

/** Points the resident's SMS prompt at their next record awaiting an answer, or clears it. */
async function moveResidentPrompt(ctx: Ctx, residentId: string, answeredId: string): Promise<void> {
  const mine = and(
    eq(pendingPrompts.residentId, residentId),
    eq(pendingPrompts.kind, 'proxy_confirmation'),
    eq(pendingPrompts.proxyRecordId, answeredId),
  );
  const next = await nextRecordAwaitingReply(ctx, residentId, answeredId);
  if (next) {
    await ctx.db
      .update(pendingPrompts)
      .set({
        proxyRecordId: next.recordId,
        clarified: false,
        expiresAt: next.dueAt,
        createdAt: ctx.clock.now(),
      })
      .where(mine);
  } else {
    await ctx.db.delete(pendingPrompts).where(mine);
  }
}
