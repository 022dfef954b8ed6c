import { desc } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { auditLog, type StaffRole } from '../db/schema.ts';
import { requireRole } from './require-role.ts';
import { type AuditChainReport, verifyAuditChain } from './verify-audit-chain.ts';

/** Who may check the audit log. */
export const AUDIT_VIEWER_ROLES: readonly StaffRole[] = ['admin', 'supervisor'];

export interface AuditReview {
  report: AuditChainReport;
  /** The most recent entries, newest first. */
  recent: (typeof auditLog.$inferSelect)[];
}

/** Verifies the whole hash chain and returns the latest entries to look at beside the verdict. */
export async function reviewAuditLog(ctx: Ctx, input: { recent?: number } = {}): Promise<AuditReview> {
  requireRole(ctx, AUDIT_VIEWER_ROLES);
  const report = await verifyAuditChain(ctx.db);
  const recent = await ctx.db
    .select()
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(Math.min(Math.max(input.recent ?? 20, 0), 200));
  return { report, recent };
}
