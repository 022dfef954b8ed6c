import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import type { StaffRole } from '../db/schema.ts';

/**
 * Throws `forbidden` unless the actor is the system (a job, an operator's CLI) or a staff member
 * holding one of the roles. The channels check roles too; this keeps the core safe on its own.
 */
export function requireRole(ctx: Ctx, roles: readonly StaffRole[]): void {
  switch (ctx.actor.type) {
    case 'system':
      return;
    case 'staff':
      if (ctx.actor.roles.some((r) => roles.includes(r))) return;
      throw new ServiceError('forbidden', 'staff:errors.roleRequired');
    case 'resident':
    case 'proxy':
      throw new ServiceError('forbidden', 'staff:errors.roleRequired');
  }
}
