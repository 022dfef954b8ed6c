import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { staff, staffSessions } from '../db/schema.ts';
import { appendAudit } from './append-audit.ts';
import { type StaffSummary, toSummary, usernameSchema } from './create-staff.ts';
import { invalidInput } from './invalid-input.ts';
import { requireRole } from './require-role.ts';

export const disableStaffInput = z.object({ username: usernameSchema });

/**
 * Disables an account and revokes its open sessions in one step (admins and operators only). The row
 * stays: records it authored keep pointing at it.
 */
export async function disableStaff(
  ctx: Ctx,
  input: z.input<typeof disableStaffInput>,
): Promise<StaffSummary> {
  requireRole(ctx, ['admin']);
  const parsed = disableStaffInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { username } = parsed.data;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(staff)
      .set({ active: false })
      .where(eq(staff.username, username))
      .returning();
    if (!row)
      throw new ServiceError('not_found', 'staff:errors.noSuchUser', {
        params: { username },
        fields: [{ field: 'username', key: 'staff:username.unknown', params: { username } }],
      });
    const revoked = await tx
      .update(staffSessions)
      .set({ revokedAt: ctx.clock.now() })
      .where(and(eq(staffSessions.staffId, row.id), isNull(staffSessions.revokedAt)))
      .returning({ tokenHash: staffSessions.tokenHash });
    await appendAudit(withDb(ctx, tx), {
      action: 'staff.disabled',
      subjectType: 'staff',
      subjectId: row.id,
      data: { username, sessionsRevoked: revoked.length },
    });
    return toSummary(row);
  });
}
