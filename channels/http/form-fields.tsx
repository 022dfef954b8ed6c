import type { FC } from 'hono/jsx';
import type { Translate } from '../../src/i18n/i18n.ts';
import { fieldErrorId, fieldId } from './error-summary.tsx';

export interface TextFieldProps {
  t: Translate;
  name: string;
  label: string;
  hint?: string;
  /** The message for this field, when it has a problem. */
  error?: string | undefined;
  /** What the person typed, shown again after an error (never for passwords). */
  value?: string | undefined;
  type?: 'text' | 'password' | 'email' | 'tel' | 'search';
  autocomplete?: string;
  spellcheck?: boolean;
}

/**
 * A labelled text input with its hint and error message tied to it by aria-describedby, following
 * the GOV.UK pattern: the error sits between label and input, prefixed "Error:" for screen readers.
 */
export const TextField: FC<TextFieldProps> = (props) => {
  const id = fieldId(props.name);
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? fieldErrorId(props.name) : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={hintId}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span class="field-error" id={errorId}>
          <span class="visually-hidden">{props.t('web:fieldErrorPrefix')}</span>
          {props.error}
        </span>
      ) : null}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? undefined : props.value}
        autocomplete={props.autocomplete}
        spellcheck={props.spellcheck}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
      />
    </div>
  );
};
