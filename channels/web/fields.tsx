/**
 * Form fields for the website, GOV.UK style: the question as label or legend, then hint, then the
 * error (prefixed "Error:" for screen readers), then the control, tied together by aria-describedby.
 * The first control's id is `fieldId(name)`, which the error summary links to.
 */
import type { FC } from 'hono/jsx';
import type { Translate } from '../../src/i18n/i18n.ts';
import { fieldErrorId, fieldId } from '../http/error-summary.tsx';

interface Common {
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}

function describedBy(name: string, hint: unknown, error: unknown): string | undefined {
  const id = fieldId(name);
  return [hint ? `${id}-hint` : '', error ? fieldErrorId(name) : ''].filter(Boolean).join(' ') || undefined;
}

const Hint: FC<{ name: string; hint?: string | undefined }> = ({ name, hint }) =>
  hint ? (
    <span class="hint" id={`${fieldId(name)}-hint`}>
      {hint}
    </span>
  ) : null;

const ErrorMessage: FC<{ t: Translate; name: string; error?: string | undefined }> = ({ t, name, error }) =>
  error ? (
    <span class="field-error" id={fieldErrorId(name)}>
      <span class="visually-hidden">{t('web:fieldErrorPrefix')}</span>
      {error}
    </span>
  ) : null;

export interface RadioOption {
  value: string;
  label: string;
  hint?: string;
}

/** A group of radio buttons in a fieldset whose legend asks the question. */
export const RadiosField: FC<Common & { options: RadioOption[]; value?: string | undefined }> = (props) => (
  <div class={props.error ? 'field field-invalid' : 'field'}>
    <fieldset aria-describedby={describedBy(props.name, props.hint, props.error)}>
      <legend>{props.label}</legend>
      <Hint name={props.name} hint={props.hint} />
      <ErrorMessage t={props.t} name={props.name} error={props.error} />
      <div class="radios">
        {props.options.map((option, index) => {
          const id = index === 0 ? fieldId(props.name) : `${fieldId(props.name)}-${index + 1}`;
          return (
            <div class="radio">
              <input
                type="radio"
                id={id}
                name={props.name}
                value={option.value}
                checked={props.value === option.value}
                aria-describedby={option.hint ? `${id}-hint` : undefined}
              />
              <div>
                <label for={id}>{option.label}</label>
                {option.hint ? (
                  <span class="hint" id={`${id}-hint`}>
                    {option.hint}
                  </span>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
    </fieldset>
  </div>
);

/** A multi-line answer. */
export const TextareaField: FC<Common & { value?: string | undefined; maxLength: number; rows?: number }> = (
  props,
) => (
  <div class={props.error ? 'field field-invalid' : 'field'}>
    <label for={fieldId(props.name)}>{props.label}</label>
    <Hint name={props.name} hint={props.hint} />
    <ErrorMessage t={props.t} name={props.name} error={props.error} />
    <textarea
      id={fieldId(props.name)}
      name={props.name}
      rows={props.rows ?? 5}
      spellcheck
      aria-describedby={describedBy(props.name, props.hint, props.error)}
      aria-invalid={props.error ? 'true' : undefined}
    >
      {props.value ?? ''}
    </textarea>
  </div>
);

/** A one-line answer: text, a phone number or a one-time code. */
export const InputField: FC<
  Common & {
    value?: string | undefined;
    type?: 'text' | 'tel';
    inputmode?: 'numeric' | 'tel' | 'text';
    autocomplete?: string;
    width?: 'short' | 'full';
  }
> = (props) => (
  <div class={props.error ? 'field field-invalid' : 'field'}>
    <label for={fieldId(props.name)}>{props.label}</label>
    <Hint name={props.name} hint={props.hint} />
    <ErrorMessage t={props.t} name={props.name} error={props.error} />
    <input
      id={fieldId(props.name)}
      name={props.name}
      type={props.type ?? 'text'}
      value={props.value ?? ''}
      inputmode={props.inputmode}
      autocomplete={props.autocomplete}
      spellcheck={props.type === 'tel' || props.inputmode === 'numeric' ? false : undefined}
      class={props.width === 'short' ? 'input-short' : undefined}
      aria-describedby={describedBy(props.name, props.hint, props.error)}
      aria-invalid={props.error ? 'true' : undefined}
    />
  </div>
);

/** A drop-down choice, used by the topic filters. */
export const SelectField: FC<{
  name: string;
  label: string;
  value?: string | undefined;
  options: { value: string; label: string }[];
}> = (props) => (
  <div class="field">
    <label for={fieldId(props.name)}>{props.label}</label>
    <select id={fieldId(props.name)} name={props.name}>
      {props.options.map((o) => (
        <option value={o.value} selected={o.value === (props.value ?? '')}>
          {o.label}
        </option>
      ))}
    </select>
  </div>
);
