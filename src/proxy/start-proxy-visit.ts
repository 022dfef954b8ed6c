import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { CONSENT_KINDS } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { LOCALES, PROXY_REASONS, proxyVisits, residents } from '../db/schema.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireProxyWriter } from './proxy-actor.ts';
import { invalidProxyInput } from './proxy-input.ts';
import { parseSignaturePath } from './signature-path.ts';
import { isVisitOpen, VISIT_TTL_MS } from './visit-rules.ts';

const shortText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: 'proxy:errors.tooLong' })
    .optional()
    .transform((v) => (v ? v : undefined));

export const startProxyVisitInput = z
  .object({
    residentId: z.uuid({ error: 'proxy:errors.residentRequired' }),
    reason: z.enum(PROXY_REASONS, { error: 'proxy:errors.reasonRequired' }),
    reasonNote: shortText(200),
    interpreterName: shortText(100),
    locale: z.enum(LOCALES, { error: 'proxy:errors.localeRequired' }),
    consentKind: z.enum(CONSENT_KINDS, { error: 'proxy:errors.consentRequired' }),
    /** SVG path data of a signature drawn on screen. */
    consentSignature: z.string().max(60_000).optional(),
    consentNote: shortText(200),
    guardianName: shortText(100),
    location: shortText(200),
  })
  .superRefine((v, issues) => {
    const need = (path: string, message: string) =>
      issues.addIssue({ code: 'custom', path: [path], message });
    if (v.reason === 'hearing' && !v.interpreterName)
      need('interpreterName', 'proxy:errors.interpreterRequired');
    if (v.reason === 'other' && !v.reasonNote) need('reasonNote', 'proxy:errors.reasonNoteRequired');
    const drawn = v.consentSignature?.trim();
    if (drawn && !parseSignaturePath(drawn)) need('consentSignature', 'proxy:errors.signatureInvalid');
    if (v.consentKind === 'signature' && !drawn && !v.consentNote) {
      need('consentSignature', 'proxy:errors.signatureRequired');
    }
    if (v.consentKind === 'thumbprint' && !v.consentNote)
      need('consentNote', 'proxy:errors.thumbprintNoteRequired');
    if (v.consentKind === 'guardian' && !v.guardianName)
      need('guardianName', 'proxy:errors.guardianRequired');
  });
export type StartProxyVisitInput = z.input<typeof startProxyVisitInput>;

export type ProxyVisit = typeof proxyVisits.$inferSelect;

/**
 * Starts a home visit: who is visited, why they need someone to write for them, how they consented.
 * A proxy has one open visit at a time: a visit still running must be ended first (conflict); one
 * past its time is closed as expired. The visit expires 30 minutes after it starts. Audited.
 */
export async function startProxyVisit(ctx: Ctx, input: StartProxyVisitInput): Promise<ProxyVisit> {
  const { staffId } = requireProxyWriter(ctx);
  const parsed = startProxyVisitInput.safeParse(input);
  if (!parsed.success) throw invalidProxyInput(parsed.error);
  const data = parsed.data;
  const signature =
    data.consentKind === 'signature' && data.consentSignature
      ? parseSignaturePath(data.consentSignature)
      : undefined;

  return ctx.db.transaction(async (db) => {
    const tx = withDb(ctx, db);
    const now = tx.clock.now();
    const [resident] = await tx.db
      .select({ id: residents.id, communityId: residents.communityId })
      .from(residents)
      .where(eq(residents.id, data.residentId));
    if (!resident) {
      throw new ServiceError('not_found', 'proxy:errors.residentNotFound', {
        fields: [{ field: 'residentId', key: 'proxy:errors.residentNotFound' }],
      });
    }
    const [open] = await tx.db
      .select()
      .from(proxyVisits)
      .where(and(eq(proxyVisits.proxyStaffId, staffId), isNull(proxyVisits.endedAt)))
      .for('update');
    if (open) {
      if (isVisitOpen(open, now)) {
        throw new ServiceError('conflict', 'proxy:errors.visitInProgress', { params: { visitId: open.id } });
      }
      await closeExpiredVisit(tx, open);
    }
    const [visit] = await tx.db
      .insert(proxyVisits)
      .values({
        proxyStaffId: staffId,
        residentId: resident.id,
        communityId: resident.communityId,
        reason: data.reason,
        reasonNote: data.reasonNote ?? null,
        interpreterName: data.interpreterName ?? null,
        locale: data.locale,
        consentKind: data.consentKind,
        consentSignature: signature ?? null,
        consentNote: data.consentNote ?? null,
        guardianName: data.consentKind === 'guardian' ? (data.guardianName ?? null) : null,
        location: data.location ?? null,
        startedAt: now,
        expiresAt: new Date(now.getTime() + VISIT_TTL_MS),
        createdAt: now,
      })
      // Another tab started one at the same moment: the partial unique index keeps it to one.
      .onConflictDoNothing()
      .returning();
    if (!visit) throw new ServiceError('conflict', 'proxy:errors.visitInProgress');
    await appendAudit(tx, {
      action: 'proxy.visit_started',
      subjectType: 'proxy_visit',
      subjectId: visit.id,
      data: {
        residentId: visit.residentId,
        reason: visit.reason,
        reasonNote: visit.reasonNote,
        interpreterName: visit.interpreterName,
        locale: visit.locale,
        consentKind: visit.consentKind,
        signatureDrawn: visit.consentSignature !== null,
        consentNote: visit.consentNote,
        guardianName: visit.guardianName,
        location: visit.location,
        expiresAt: visit.expiresAt.toISOString(),
      },
    });
    tx.log.info({ visitId: visit.id, reason: visit.reason }, 'proxy visit started');
    return visit;
  });
}

/** Marks an open visit that ran past its time as ended when it expired. */
export async function closeExpiredVisit(ctx: Ctx, visit: ProxyVisit): Promise<void> {
  await ctx.db
    .update(proxyVisits)
    .set({ endedAt: visit.expiresAt, endedReason: 'expired' })
    .where(and(eq(proxyVisits.id, visit.id), isNull(proxyVisits.endedAt)));
  await appendAudit(ctx, {
    action: 'proxy.visit_expired',
    subjectType: 'proxy_visit',
    subjectId: visit.id,
    data: { residentId: visit.residentId, expiredAt: visit.expiresAt.toISOString() },
  });
}
