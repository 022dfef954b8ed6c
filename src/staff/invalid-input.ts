import type { z } from 'zod';
import { type FieldProblem, ServiceError } from '../core/errors.ts';

/**
 * Turns a zod failure into a `validation_failed` ServiceError with one problem per field. Schemas in
 * this folder use i18n keys as their messages; bounds (`minimum`, `maximum`) become parameters.
 */
export function invalidInput(error: z.ZodError): ServiceError {
  const fields: FieldProblem[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    // One message per field is what a person can act on; the first is the most basic.
    if (fields.some((f) => f.field === field)) continue;
    const params: Record<string, string | number> = {};
    if ('minimum' in issue && (typeof issue.minimum === 'number' || typeof issue.minimum === 'bigint'))
      params.minimum = Number(issue.minimum);
    if ('maximum' in issue && (typeof issue.maximum === 'number' || typeof issue.maximum === 'bigint'))
      params.maximum = Number(issue.maximum);
    const key = issue.message.includes(':') ? issue.message : 'staff:errors.invalidValue';
    fields.push({ field, key, params });
  }
  return new ServiceError('validation_failed', 'staff:errors.validation', { fields });
}
