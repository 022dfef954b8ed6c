/**
 * The console's form pieces, GOV.UK style, shared by every console page that asks for input: labelled
 * fields whose hint and error the control is described by, questions asked in a fieldset, the error
 * summary at the top of the page, and forms that post with the CSRF token.
 */
import type { Child, FC } from 'hono/jsx';
import type { Translate } from '../../src/i18n/i18n.ts';
import { CSRF_FIELD } from '../http/csrf.ts';
import { ErrorSummary, errorFor, type FieldError, fieldErrorId, fieldId } from '../http/error-summary.tsx';
import type { LayoutProps } from '../http/layout.tsx';

/**
 * What a page's Layout needs to show a form's problems: the error summary (which takes focus) and the
 * "Error:" prefix of the title.
 */
export function errorSummaryProps(
  t: Translate,
  errors: readonly FieldError[],
): Pick<LayoutProps, 'hasErrors' | 'errorSummary'> {
  const hasErrors = errors.length > 0;
  return { hasErrors, errorSummary: hasErrors ? <ErrorSummary t={t} errors={errors} /> : undefined };
}

/**
 * The props every field of one form shares, by field name: the translator, the name (from which the
 * ids come) and the message refused input left for it.
 */
export function formFields(
  t: Translate,
  errors: readonly FieldError[],
): (name: string) => { t: Translate; name: string; error: string | undefined } {
  return (name) => ({ t, name, error: errorFor(errors, name) });
}

const Hint: FC<{ id: string; hint?: string | undefined }> = ({ id, hint }) =>
  hint ? (
    <span class="hint" id={`${id}-hint`}>
      {hint}
    </span>
  ) : null;

/** The message, prefixed "Error:" for screen readers, that the control is described by. */
const FieldErrorText: FC<{ t: Translate; name: string; error?: string | undefined }> = ({
  t,
  name,
  error,
}) => {
  if (!error) return null;
  return (
    <span class="field-error" id={fieldErrorId(name)}>
      <span class="visually-hidden">{t('web:fieldErrorPrefix')}</span>
      {error}
    </span>
  );
};

function describedBy(name: string, hint: unknown, error: unknown): string | undefined {
  const id = fieldId(name);
  return [hint ? `${id}-hint` : '', error ? fieldErrorId(name) : ''].filter(Boolean).join(' ') || undefined;
}

interface FieldProps {
  t: Translate;
  name: string;
  /** What the ids derive from, when several fields on one page post the same name; else the name. */
  idName?: string | undefined;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}

/** The frame every labelled control shares: label, hint and error message, marked invalid on error. */
const LabelledField: FC<FieldProps & { children?: Child }> = (props) => {
  const key = props.idName ?? props.name;
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <label for={fieldId(key)}>{props.label}</label>
      <Hint id={fieldId(key)} hint={props.hint} />
      <FieldErrorText t={props.t} name={key} error={props.error} />
      {props.children}
    </div>
  );
};

/** The attributes tying a control to its label, hint and error. */
function controlAttributes(props: FieldProps) {
  const key = props.idName ?? props.name;
  return {
    id: fieldId(key),
    name: props.name,
    'aria-describedby': describedBy(key, props.hint, props.error),
    'aria-invalid': props.error ? 'true' : undefined,
  };
}

/**
 * A labelled input of any HTML type. `numeric` is a short whole-number box: the numeric keypad, no
 * spell checking.
 */
export const Input: FC<
  FieldProps & {
    value?: string | undefined;
    type?: 'text' | 'date' | 'time' | 'url' | 'tel';
    width?: 'short' | 'full';
    inputmode?: 'numeric' | 'decimal' | 'url' | 'tel';
    numeric?: boolean;
    lang?: string;
  }
> = (props) => (
  <LabelledField {...props}>
    <input
      {...controlAttributes(props)}
      type={props.type ?? 'text'}
      value={props.value ?? ''}
      lang={props.lang}
      inputmode={props.numeric ? 'numeric' : props.inputmode}
      spellcheck={props.numeric ? false : undefined}
      class={props.numeric || props.width === 'short' ? 'input-short' : undefined}
    />
  </LabelledField>
);

/** A multi-line answer. */
export const TextArea: FC<FieldProps & { value?: string | undefined; rows?: number; lang?: string }> = (
  props,
) => (
  <LabelledField {...props}>
    <textarea {...controlAttributes(props)} rows={props.rows ?? 5} lang={props.lang}>
      {props.value ?? ''}
    </textarea>
  </LabelledField>
);

export interface Choice {
  value: string;
  label: string;
  hint?: string | undefined;
}

const Option: FC<{ choice: Choice; chosen: string }> = ({ choice, chosen }) => (
  <option value={choice.value} selected={choice.value === chosen}>
    {choice.label}
  </option>
);

/** A drop-down list with a label (and error, when the choice was refused). */
export const Select: FC<FieldProps & { value?: string | undefined; options: readonly Choice[] }> = (
  props,
) => (
  <LabelledField {...props}>
    <select {...controlAttributes(props)}>
      {props.options.map((choice) => (
        <Option choice={choice} chosen={props.value ?? ''} />
      ))}
    </select>
  </LabelledField>
);

type ChoiceType = 'checkbox' | 'radio';

/** One box or button of a Choices; the first one's id is the field's, which the error summary links to. */
const ChoiceItem: FC<{ type: ChoiceType; name: string; index: number; option: Choice; on: boolean }> = ({
  type,
  name,
  index,
  option,
  on,
}) => {
  const id = index === 0 ? fieldId(name) : `${fieldId(name)}-${index + 1}`;
  const hinted = option.hint ? `${id}-hint` : undefined;
  return (
    <div class="radio">
      <input type={type} id={id} name={name} value={option.value} checked={on} aria-describedby={hinted} />
      <div>
        <label for={id}>{option.label}</label>
        <Hint id={id} hint={option.hint} />
      </div>
    </div>
  );
};

/** Checkboxes or radios in a fieldset whose legend asks the question. */
export const Choices: FC<{
  t: Translate;
  name: string;
  legend: string;
  hint?: string | undefined;
  error?: string | undefined;
  options: readonly Choice[];
  checked: readonly string[];
  type: ChoiceType;
}> = (props) => (
  <div class={props.error ? 'field field-invalid' : 'field'}>
    <fieldset aria-describedby={describedBy(props.name, props.hint, props.error)}>
      <legend>{props.legend}</legend>
      <Hint id={fieldId(props.name)} hint={props.hint} />
      <FieldErrorText t={props.t} name={props.name} error={props.error} />
      <div class="radios">
        {props.options.map((option, index) => (
          <ChoiceItem
            type={props.type}
            name={props.name}
            index={index}
            option={option}
            on={props.checked.includes(option.value)}
          />
        ))}
      </div>
    </fieldset>
  </div>
);

type Lang = 'zh-CN' | 'zh-HK' | 'en';
const LANGS = [
  ['zh-CN', 'ZhCn'],
  ['zh-HK', 'ZhHk'],
  ['en', 'En'],
] as const satisfies readonly (readonly [Lang, string])[];

/**
 * One text in the three languages, each its own field (`<name>.zh-CN` …) marked with its language:
 * Simplified Chinese first, with the hint; the summary boxes of the other two are shorter. The labels
 * are the texts `<textKey>ZhCn`, `<textKey>ZhHk` and `<textKey>En`, the hint `<textKey>Hint`.
 */
export const ThreeLanguageFields: FC<{
  t: Translate;
  name: string;
  textKey: string;
  multiline?: boolean;
  errors: readonly FieldError[];
  value: Record<Lang, string>;
}> = (props) => (
  <>
    {LANGS.map(([lang, suffix]) => {
      const field = {
        t: props.t,
        name: `${props.name}.${lang}`,
        label: props.t(`${props.textKey}${suffix}`),
        hint: lang === 'zh-CN' ? props.t(`${props.textKey}Hint`) : undefined,
        error: errorFor(props.errors, `${props.name}.${lang}`),
        value: props.value[lang],
        lang,
      };
      if (!props.multiline) return <Input {...field} />;
      return lang === 'zh-CN' ? <TextArea {...field} /> : <TextArea {...field} rows={3} />;
    })}
  </>
);

/**
 * A form that posts to `action` with the CSRF token, its fields (if any) and one submit button.
 * Forms that ask for input opt out of the browser's own validation so the server's messages show.
 */
export const PostForm: FC<{
  action: string;
  csrf: string;
  submit: string;
  secondary?: boolean | undefined;
  ariaLabel?: string | undefined;
  novalidate?: boolean;
  children?: Child;
}> = (props) => (
  <form method="post" action={props.action} novalidate={props.novalidate ?? true}>
    <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
    {props.children}
    <button type="submit" class={props.secondary ? 'secondary' : undefined} aria-label={props.ariaLabel}>
      {props.submit}
    </button>
  </form>
);

/** A one-button form posting to `action` (with the CSRF token). */
export const ActionButton: FC<{
  action: string;
  csrf: string;
  label: string;
  secondary?: boolean;
  ariaLabel?: string;
}> = (props) => (
  <PostForm
    action={props.action}
    csrf={props.csrf}
    submit={props.label}
    secondary={props.secondary}
    ariaLabel={props.ariaLabel}
    novalidate={false}
  />
);

/** A filter above a list: a GET form with its controls and one secondary submit button. */
export const FilterForm: FC<{ action: string; submit: string; children?: Child }> = (props) => (
  <form method="get" action={props.action} class="filters">
    {props.children}
    <button type="submit" class="secondary">
      {props.submit}
    </button>
  </form>
);
