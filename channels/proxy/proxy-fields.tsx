/**
 * Form fields for the proxy console, GOV.UK style like the website's, but with the control's id
 * separate from its name: the visit page holds several forms whose fields share names (`choice`,
 * `text`), and every id on a page must be unique. `id` is what the error summary links to.
 */
import type { Child, FC } from 'hono/jsx';
import type { Translate } from '../../src/i18n/i18n.ts';
import { fieldId } from '../http/error-summary.tsx';

interface Common {
  t: Translate;
  /** The key of the field in error lists and the base of its element ids. */
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}

function ids(id: string, hint: unknown, error: unknown) {
  const control = fieldId(id);
  return {
    control,
    hint: `${control}-hint`,
    error: `${control}-error`,
    describedBy:
      [hint ? `${control}-hint` : '', error ? `${control}-error` : ''].filter(Boolean).join(' ') || undefined,
  };
}

const Hint: FC<{ id: string; hint?: string | undefined }> = ({ id, hint }) =>
  hint ? (
    <span class="hint" id={id}>
      {hint}
    </span>
  ) : null;

const ErrorText: FC<{ t: Translate; id: string; error?: string | undefined }> = ({ t, id, error }) =>
  error ? (
    <span class="field-error" id={id}>
      <span class="visually-hidden">{t('web:fieldErrorPrefix')}</span>
      {error}
    </span>
  ) : null;

/** What every field with one labelled control shares; the control itself is the child. */
const Labelled: FC<{ p: Common; i: ReturnType<typeof ids>; children: Child }> = ({ p, i, children }) => (
  <div class={p.error ? 'field field-invalid' : 'field'} data-field={p.id}>
    <label for={i.control}>{p.label}</label>
    <Hint id={i.hint} hint={p.hint} />
    <ErrorText t={p.t} id={i.error} error={p.error} />
    {children}
  </div>
);

export interface Option {
  value: string;
  label: string;
  hint?: string;
  /** Extra attributes the script reads (e.g. what to say when the option is chosen). */
  said?: string;
}

export const Radios: FC<Common & { options: Option[]; value?: string | undefined }> = (p) => {
  const i = ids(p.id, p.hint, p.error);
  return (
    <div class={p.error ? 'field field-invalid' : 'field'} data-field={p.id}>
      <fieldset aria-describedby={i.describedBy}>
        <legend>{p.label}</legend>
        <Hint id={i.hint} hint={p.hint} />
        <ErrorText t={p.t} id={i.error} error={p.error} />
        <div class="radios">
          {p.options.map((o, index) => {
            const id = index === 0 ? i.control : `${i.control}-${index + 1}`;
            return (
              <div class="radio">
                <input
                  type="radio"
                  id={id}
                  name={p.name}
                  value={o.value}
                  checked={p.value === o.value}
                  aria-describedby={o.hint ? `${id}-item-hint` : undefined}
                />
                <div>
                  <label for={id}>{o.label}</label>
                  {o.hint ? (
                    <span class="hint" id={`${id}-item-hint`}>
                      {o.hint}
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
};

export const Textarea: FC<Common & { value?: string | undefined; rows?: number; lang?: string }> = (p) => {
  const i = ids(p.id, p.hint, p.error);
  return (
    <Labelled p={p} i={i}>
      <textarea
        id={i.control}
        name={p.name}
        rows={p.rows ?? 4}
        spellcheck
        aria-describedby={i.describedBy}
        aria-invalid={p.error ? 'true' : undefined}
      >
        {p.value ?? ''}
      </textarea>
    </Labelled>
  );
};

export const Input: FC<
  Common & {
    value?: string | undefined;
    type?: 'text' | 'tel' | 'search';
    autocomplete?: string;
    inputmode?: 'tel' | 'text' | 'numeric';
    short?: boolean;
  }
> = (p) => {
  const i = ids(p.id, p.hint, p.error);
  return (
    <Labelled p={p} i={i}>
      <input
        id={i.control}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        autocomplete={p.autocomplete ?? 'off'}
        inputmode={p.inputmode}
        class={p.short ? 'input-short' : undefined}
        aria-describedby={i.describedBy}
        aria-invalid={p.error ? 'true' : undefined}
      />
    </Labelled>
  );
};

export const Select: FC<Common & { options: Option[]; value?: string | undefined; placeholder: string }> = (
  p,
) => {
  const i = ids(p.id, p.hint, p.error);
  return (
    <Labelled p={p} i={i}>
      <select
        id={i.control}
        name={p.name}
        aria-describedby={i.describedBy}
        aria-invalid={p.error ? 'true' : undefined}
      >
        <option value="">{p.placeholder}</option>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Labelled>
  );
};

export const Checkbox: FC<Common & { checked?: boolean; value?: string }> = (p) => {
  const i = ids(p.id, p.hint, p.error);
  return (
    <div class={p.error ? 'field field-invalid' : 'field'} data-field={p.id}>
      <ErrorText t={p.t} id={i.error} error={p.error} />
      <div class="checkbox">
        <input
          type="checkbox"
          id={i.control}
          name={p.name}
          value={p.value ?? 'yes'}
          checked={p.checked}
          aria-describedby={i.describedBy}
          aria-invalid={p.error ? 'true' : undefined}
        />
        <label for={i.control}>{p.label}</label>
      </div>
      <Hint id={i.hint} hint={p.hint} />
    </div>
  );
};
