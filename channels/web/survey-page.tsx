import type { FC } from 'hono/jsx';
import { SATISFACTION_LEVELS } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { SurveyQuestion } from '../../src/surveys/find-survey-by-code.ts';
import { CSRF_FIELD } from '../http/csrf.ts';
import type { FieldError } from '../http/error-summary.tsx';
import { type RadioOption, RadiosField, TextareaField } from './fields.tsx';
import { localized } from './web-context.ts';
import { type PageBase, WebPage } from './web-page.tsx';

export const SURVEY_TEXT_MAX = 1000;

/** The answers a question accepts, in the order they are shown. */
export function surveyOptions(t: Translate, question: Pick<SurveyQuestion, 'kind'>): RadioOption[] {
  switch (question.kind) {
    case 'satisfaction':
      return SATISFACTION_LEVELS.map((level) => ({
        value: level,
        label: t(`site:survey.satisfaction.${level}`),
      }));
    case 'yes_no':
      return (['yes', 'no'] as const).map((v) => ({ value: v, label: t(`site:survey.yesNo.${v}`) }));
    case 'text':
      return [];
  }
}

/** One survey question on its own page. */
export const SurveyQuestionPage: FC<{
  base: PageBase;
  csrfToken: string;
  surveyCode: string;
  surveyTitle: string;
  question: SurveyQuestion;
  count: number;
  ref: string;
  value: string;
  errors: FieldError[];
}> = (props) => {
  const { base, question } = props;
  const { t, locale } = base;
  const prompt = localized(question.prompt, locale);
  const error = props.errors.find((e) => e.field === 'answer')?.message;
  return (
    <WebPage
      base={base}
      title={`${t('site:survey.title', { surveyCode: props.surveyCode })} · ${props.surveyTitle}`}
      errors={props.errors}
    >
      <p class="caption">{t('site:common.stepOf', { step: question.position, count: props.count })}</p>
      {question.position === 1 ? <p>{t('site:survey.intro')}</p> : null}
      <form method="post" action={`/surveys/${props.surveyCode}`} novalidate>
        <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
        <input type="hidden" name="ref" value={props.ref} />
        <input type="hidden" name="position" value={String(question.position)} />
        {question.kind === 'text' ? (
          <TextareaField
            t={t}
            name="answer"
            label={prompt}
            hint={t('site:survey.textHint')}
            error={error}
            value={props.value}
            maxLength={SURVEY_TEXT_MAX}
          />
        ) : (
          <RadiosField
            t={t}
            name="answer"
            label={prompt}
            hint={t('site:survey.choose')}
            error={error}
            value={props.value}
            options={surveyOptions(t, question)}
          />
        )}
        <div class="button-row">
          <button type="submit">
            {question.position === props.count ? t('site:survey.submit') : t('site:common.continue')}
          </button>
        </div>
      </form>
    </WebPage>
  );
};
