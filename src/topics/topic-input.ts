/**
 * Input pieces shared by the topic verbs, and the mapping from zod issues to field problems that
 * channels can show next to the field in the person's language.
 */
import { type ZodType, z } from 'zod';
import { type FieldProblem, ServiceError } from '../core/errors.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const NOTE_MAX = 500;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The deliberation hall's IANA time zone; decides which calendar day an instant falls on. */
export const timeZoneField = z.string().default(DEFAULT_TIME_ZONE).refine(isTimeZone, 'timeZone');

/** An optional remark kept on the transition, shown in the topic's timeline. */
export const noteField = z
  .string()
  .trim()
  .max(NOTE_MAX)
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Any string: an id that is not a UUID simply names no topic. */
export const topicIdField = z.string();

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string can be a database UUID at all (otherwise the database would reject the query). */
export function isUuid(value: string): boolean {
  return UUID_SHAPE.test(value);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function problemFor(issue: z.core.$ZodIssue, input: unknown): FieldProblem {
  const field = issue.path.map(String).join('.') || 'input';
  const value = valueAt(input, issue.path);
  if (
    (issue.code === 'invalid_type' || issue.code === 'invalid_value') &&
    (value === undefined || value === null)
  ) {
    return { field, key: 'topics:validation.required' };
  }
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) <= 1
        ? { field, key: 'topics:validation.required' }
        : { field, key: 'topics:validation.tooShort', params: { min: Number(issue.minimum) } };
    case 'too_big':
      return { field, key: 'topics:validation.tooLong', params: { max: Number(issue.maximum) } };
    case 'invalid_value':
      return { field, key: 'topics:validation.invalidChoice' };
    case 'custom':
      return field === 'timeZone'
        ? { field, key: 'topics:validation.timeZone' }
        : { field, key: 'topics:validation.invalid' };
    default:
      return { field, key: 'topics:validation.invalid' };
  }
}

/** Parses verb input, or fails with `validation_failed` naming every bad field. */
export function parseTopicInput<S extends ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ServiceError('validation_failed', 'topics:errors.invalidInput', {
    fields: result.error.issues.map((issue) => problemFor(issue, input)),
  });
}
