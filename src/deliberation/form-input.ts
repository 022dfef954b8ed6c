/**
 * Zod pieces for the deliberation verbs whose input comes straight from console forms, where an empty
 * field arrives as '' and a repeated field as one string or an array.
 */
import { z } from 'zod';

/** A repeated form field (checkboxes, multi-select): one value, several, or none; empty ones dropped. */
export const formList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== ''));

/** Free text that may be left blank: blank is kept as absent rather than as an empty string. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? undefined : v))
    .optional();
