/**
 * Shared pieces of the proxy verbs' inputs: zod issues become field problems with `proxy:` message
 * keys, so the console can show each next to its field in the proxy's language.
 */
import type { z } from 'zod';
import { type FieldProblem, ServiceError } from '../core/errors.ts';

/** A `validation_failed` error with one problem per field (the first, most basic, of each). */
export function invalidProxyInput(error: z.ZodError, messageKey = 'proxy:errors.validation'): ServiceError {
  const fields: FieldProblem[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    if (fields.some((f) => f.field === field)) continue;
    const params: Record<string, string | number> = {};
    if ('maximum' in issue && (typeof issue.maximum === 'number' || typeof issue.maximum === 'bigint'))
      params.maximum = Number(issue.maximum);
    if ('minimum' in issue && (typeof issue.minimum === 'number' || typeof issue.minimum === 'bigint'))
      params.minimum = Number(issue.minimum);
    const key = issue.message.startsWith('proxy:') ? issue.message : 'proxy:errors.invalidValue';
    fields.push({ field, key, params });
  }
  return new ServiceError('validation_failed', messageKey, { fields });
}

/** Parses with `schema` or throws the field problems. */
export function parseProxyInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidProxyInput(parsed.error);
  return parsed.data;
}

/** One problem with one field, as a ServiceError. */
export function fieldProblem(
  field: string,
  key: string,
  params: Record<string, string | number> = {},
  code: 'validation_failed' | 'conflict' | 'not_found' = 'validation_failed',
): ServiceError {
  return new ServiceError(code, key, { params, fields: [{ field, key, params }] });
}

/** Text as typed: trimmed, empty means absent. */
export function optionalText(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
