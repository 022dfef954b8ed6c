import { asc } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { staff } from '../db/schema.ts';
import { type StaffSummary, toSummary } from './create-staff.ts';
import { requireRole } from './require-role.ts';

/** Every staff account, active or not, by username (admins and operators only). */
export async function listStaff(ctx: Ctx): Promise<StaffSummary[]> {
  requireRole(ctx, ['admin']);
  const rows = await ctx.db.select().from(staff).orderBy(asc(staff.username));
  return rows.map(toSummary);
}
