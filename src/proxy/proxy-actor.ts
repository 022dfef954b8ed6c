import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { requireRole } from '../staff/require-role.ts';
import { PROXY_WRITER_ROLES } from './proxy-roles.ts';

/** The proxy writer acting: a signed-in staff member holding the writer role. */
export function requireProxyWriter(ctx: Ctx): { staffId: string } {
  requireRole(ctx, PROXY_WRITER_ROLES);
  if (ctx.actor.type !== 'staff') throw new ServiceError('forbidden', 'proxy:errors.forbidden');
  return { staffId: ctx.actor.staffId };
}
