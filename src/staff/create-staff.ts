import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { STAFF_ROLES, type StaffRole, staff } from '../db/schema.ts';
import { appendAudit } from './append-audit.ts';
import { invalidInput } from './invalid-input.ts';
import { hashPassword, passwordSchema } from './passwords.ts';
import { requireRole } from './require-role.ts';

/** Lower-case ASCII so that two accounts can never differ only by case or look-alike letters. */
export const usernameSchema = z
  .string({ error: 'staff:username.required' })
  .trim()
  .toLowerCase()
  .min(1, { error: 'staff:username.required' })
  .min(3, { error: 'staff:username.tooShort' })
  .max(64, { error: 'staff:username.tooLong' })
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'staff:username.format' });

export const createStaffInput = z.object({
  username: usernameSchema,
  displayName: z
    .string({ error: 'staff:displayName.required' })
    .trim()
    .min(1, { error: 'staff:displayName.required' })
    .max(100, { error: 'staff:displayName.tooLong' }),
  password: passwordSchema,
  roles: z
    .array(z.enum(STAFF_ROLES, { error: 'staff:roles.unknown' }), { error: 'staff:roles.required' })
    .min(1, { error: 'staff:roles.required' })
    .transform((roles) => [...new Set(roles)]),
  communityIds: z
    .array(z.uuid({ error: 'staff:communityIds.format' }))
    .default([])
    .transform((ids) => [...new Set(ids)]),
  department: z
    .string()
    .trim()
    .max(200, { error: 'staff:department.tooLong' })
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});
export type CreateStaffInput = z.input<typeof createStaffInput>;

export interface StaffSummary {
  id: string;
  username: string;
  displayName: string;
  roles: StaffRole[];
  communityIds: string[];
  department: string | null;
  active: boolean;
  createdAt: Date;
}

/** Creates a staff account (admins and operators only). The password is stored only as an Argon2id hash. */
export async function createStaff(ctx: Ctx, input: CreateStaffInput): Promise<StaffSummary> {
  requireRole(ctx, ['admin']);
  const parsed = createStaffInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { username, displayName, password, roles, communityIds, department } = parsed.data;

  const usernameTaken = () =>
    new ServiceError('conflict', 'staff:errors.usernameTaken', {
      params: { username },
      fields: [{ field: 'username', key: 'staff:username.taken', params: { username } }],
    });
  const [existing] = await ctx.db.select({ id: staff.id }).from(staff).where(eq(staff.username, username));
  if (existing) throw usernameTaken();

  // Hash outside the transaction: it is slow and needs no database.
  const passwordHash = await hashPassword(password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(staff)
        .values({
          username,
          displayName,
          passwordHash,
          roles,
          communityIds,
          department: department ?? null,
          createdAt: ctx.clock.now(),
        })
        .returning();
      if (!row) throw new Error('insert into staff returned no row');
      await appendAudit(withDb(ctx, tx), {
        action: 'staff.created',
        subjectType: 'staff',
        subjectId: row.id,
        data: { username, displayName, roles, communityIds, department: department ?? null },
      });
      return toSummary(row);
    });
  } catch (error) {
    // Two creations racing for one username: the unique index decides.
    if (isUniqueViolation(error)) throw usernameTaken();
    throw error;
  }
}

/** The public face of a staff row: everything but the password hash. */
export function toSummary(row: typeof staff.$inferSelect): StaffSummary {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    roles: row.roles,
    communityIds: row.communityIds,
    department: row.department,
    active: row.active,
    createdAt: row.createdAt,
  };
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
