import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { staff } from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';
import { LISTS_VIEWER_ROLES } from './lists-roles.ts';

/**
 * The departments that can take on an item: those with at least one active liaison, who will report
 * on it. A department nobody can answer for would only ever show up as overdue.
 */
export async function listDepartments(ctx: Ctx): Promise<string[]> {
  requireRole(ctx, LISTS_VIEWER_ROLES);
  const rows = await ctx.db
    .selectDistinct({ department: sql<string>`trim(${staff.department})` })
    .from(staff)
    .where(
      and(
        eq(staff.active, true),
        isNotNull(staff.department),
        sql`trim(${staff.department}) <> ''`,
        sql`'department_liaison' = any(${staff.roles})`,
      ),
    )
    .orderBy(asc(sql`1`));
  return rows.map((r) => r.department);
}
