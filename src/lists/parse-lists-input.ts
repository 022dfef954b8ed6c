import type { ZodType, z } from 'zod';
import { type FieldProblem, ServiceError } from '../core/errors.ts';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function problemFor(issue: z.core.$ZodIssue, input: unknown): FieldProblem {
  const field = issue.path.map(String).join('.') || 'form';
  // A schema may name its own message (an i18n key with a namespace).
  if (issue.message.startsWith('lists:')) {
    const params: Record<string, string | number> = {};
    if ('minimum' in issue) params.min = Number(issue.minimum);
    if ('maximum' in issue) params.max = Number(issue.maximum);
    return { field, key: issue.message, params };
  }
  const value = valueAt(input, issue.path);
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { field, key: 'lists:validation.required' };
  }
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string'
        ? { field, key: 'lists:validation.required' }
        : { field, key: 'lists:validation.tooSmall', params: { min: Number(issue.minimum) } };
    case 'too_big':
      return issue.origin === 'string'
        ? { field, key: 'lists:validation.tooLong', params: { max: Number(issue.maximum) } }
        : { field, key: 'lists:validation.tooBig', params: { max: Number(issue.maximum) } };
    case 'invalid_value':
      return { field, key: 'lists:validation.invalidChoice' };
    default:
      return { field, key: 'lists:validation.invalid' };
  }
}

/** Parses input of a lists verb, or fails with `validation_failed` naming every bad field once. */
export function parseListsInput<S extends ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldProblem[] = [];
  for (const issue of result.error.issues) {
    const problem = problemFor(issue, input);
    if (!fields.some((f) => f.field === problem.field)) fields.push(problem);
  }
  throw new ServiceError('validation_failed', 'lists:errors.invalidInput', { fields });
}
