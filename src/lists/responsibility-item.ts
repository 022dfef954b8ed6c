/**
 * What the responsibility-list verbs share: the item's shape, input pieces, look-ups and refusals.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import type { DbOrTx } from '../db/database.ts';
import { LOCALES, responsibilityItems, staff, type TopicStatus } from '../db/schema.ts';
import { isUuid } from '../topics/topic-input.ts';

export type ResponsibilityItem = typeof responsibilityItems.$inferSelect;

export const ITEM_TITLE_MAX = 200;
export const ITEM_TEXT_MAX = 1000;
export const DEPARTMENT_MAX = 200;
/** A year of working days is the longest deadline a responsibility item may have. */
export const DEADLINE_MAX_WORKING_DAYS = 250;

/** Topics whose result is out may get a responsibility list; it is added to while the work goes on. */
export const LIST_TOPIC_STATUSES: readonly TopicStatus[] = ['result_published', 'implementing'];

/** Free text a person wrote, trimmed; required. */
export const requiredText = (max: number) => z.string().trim().min(1).max(max);

/** The language a person wrote in. */
export const langField = z.enum(LOCALES).default('zh-CN');

/** Any string: one that is not an id names no item. */
export const itemIdField = z.string();

export function itemNotFound(): ServiceError {
  return new ServiceError('not_found', 'lists:errors.itemNotFound');
}

/** The item, or undefined when the id names none. */
export async function findItem(db: DbOrTx, itemId: string): Promise<ResponsibilityItem | undefined> {
  if (!isUuid(itemId)) return undefined;
  const [item] = await db
    .select()
    .from(responsibilityItems)
    .where(eq(responsibilityItems.id, itemId))
    .limit(1);
  return item;
}

/** The item, locked for the rest of the transaction so that two reports cannot interleave. */
export async function lockItem(db: DbOrTx, itemId: string): Promise<ResponsibilityItem> {
  if (!isUuid(itemId)) throw itemNotFound();
  const [item] = await db
    .select()
    .from(responsibilityItems)
    .where(eq(responsibilityItems.id, itemId))
    .for('update')
    .limit(1);
  if (!item) throw itemNotFound();
  return item;
}

/** The acting staff member's department (liaisons report for it); `forbidden` without one. */
export async function actorDepartment(ctx: Ctx): Promise<string | undefined> {
  switch (ctx.actor.type) {
    case 'system':
      return undefined;
    case 'staff': {
      const [row] = await ctx.db
        .select({ department: staff.department })
        .from(staff)
        .where(eq(staff.id, ctx.actor.staffId))
        .limit(1);
      const department = row?.department?.trim();
      if (!department) throw new ServiceError('forbidden', 'lists:errors.noDepartment');
      return department;
    }
    case 'resident':
    case 'proxy':
      throw new ServiceError('forbidden', 'staff:errors.roleRequired');
  }
}
