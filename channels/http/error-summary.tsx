import type { FC } from 'hono/jsx';
import type { ServiceError } from '../../src/core/errors.ts';
import type { Translate } from '../../src/i18n/i18n.ts';

/** One problem with one form field, already in the reader's language. */
export interface FieldError {
  field: string;
  message: string;
}

/** The id of a field's input, which the summary links to. */
export function fieldId(field: string): string {
  return `field-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The id of a field's error message, referenced by the input's aria-describedby. */
export function fieldErrorId(field: string): string {
  return `${fieldId(field)}-error`;
}

/**
 * Field problems of a ServiceError in the reader's language. `knownFields` names the fields the form
 * shows; a problem with any other field is attached to `fallbackField` so it is never lost.
 */
export function fieldErrorsFrom(
  error: ServiceError,
  t: Translate,
  knownFields: readonly string[],
  fallbackField: string,
): FieldError[] {
  const errors: FieldError[] = error.fields.map((problem) => ({
    field: knownFields.includes(problem.field) ? problem.field : fallbackField,
    message: t(problem.key, problem.params),
  }));
  if (errors.length === 0) errors.push({ field: fallbackField, message: t(error.messageKey, error.params) });
  return errors;
}

/** The message for one field, if it has one. */
export function errorFor(errors: readonly FieldError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}

/**
 * GOV.UK error summary: a titled box at the top of the page listing every problem, each a link to the
 * field it is about. `role="alert"` has screen readers announce it as the page loads.
 */
export const ErrorSummary: FC<{ t: Translate; errors: readonly FieldError[] }> = ({ t, errors }) => {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">{t('web:errorSummary.heading')}</h2>
      <ul>
        {errors.map((e) => (
          <li>
            <a href={`#${fieldId(e.field)}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
};
