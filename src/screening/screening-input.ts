/** Input pieces the screening verbs share. */
import type { ZodType, z as zod } from 'zod';
import { z } from 'zod';
import { ServiceError } from '../core/errors.ts';
import { parseTopicInput } from '../topics/topic-input.ts';
import { MAX_NEEDS_PER_RUN } from './cluster-needs.ts';

/** Need ids as a form posts them: one or many; anything that is not an id names no need. */
export const needIdsField = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean))])
  .pipe(z.array(z.string()).min(1).max(MAX_NEEDS_PER_RUN));

export const REASON_MAX = 500;

export function needsAlreadyScreened(): ServiceError {
  return new ServiceError('conflict', 'deliberation:errors.needsAlreadyScreened', {
    fields: [{ field: 'needIds', key: 'deliberation:errors.needsAlreadyScreened' }],
  });
}

/** Parses screening input; a missing or empty choice of needs is reported as such, not as "too short". */
export function parseScreeningInput<S extends ZodType>(schema: S, input: unknown): zod.output<S> {
  try {
    return parseTopicInput(schema, input);
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    throw new ServiceError(error.code, error.messageKey, {
      params: error.params,
      fields: error.fields.map((f) =>
        f.field === 'needIds' ? { field: 'needIds', key: 'deliberation:errors.chooseNeeds' } : f,
      ),
    });
  }
}
