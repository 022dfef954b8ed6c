import type { AppDeps } from '../app-deps.ts';
import type { Ctx } from '../core/context.ts';

/** The context a queue job acts in: the system, named after the job. */
export function systemCtx(deps: AppDeps, job: string): Ctx {
  return {
    actor: { type: 'system', job },
    db: deps.database.db,
    clock: deps.clock,
    log: deps.log.child({ job }),
    pii: deps.pii,
  };
}
