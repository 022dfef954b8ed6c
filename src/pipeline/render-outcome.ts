import type { I18n } from '../i18n/i18n.ts';
import type { Outcome } from './outcome.ts';

/** The outcome as one short line of text in its locale, fit for an SMS reply or a spoken prompt. */
export function renderOutcome(i18n: I18n, outcome: Outcome): string {
  return i18n.forLocale(outcome.locale)(outcome.messageKey, outcome.params);
}
