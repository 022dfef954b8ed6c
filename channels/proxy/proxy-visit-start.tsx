/**
 * Starting a home visit: find the resident (by phone or name), or register them with the least data
 * that serves them; then why they need a proxy, in which language, and how they consented.
 */
import type { FC } from 'hono/jsx';
import { CONSENT_KINDS } from '../../src/core/actor.ts';
import { LOCALES, type Locale, type LocalizedText, PROXY_REASONS } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { FoundResident } from '../../src/proxy/find-visit-residents.ts';
import { SIGNATURE_HEIGHT, SIGNATURE_WIDTH } from '../../src/proxy/signature-path.ts';
import { CSRF_FIELD } from '../http/csrf.ts';
import { errorFor, type FieldError } from '../http/error-summary.tsx';
import { Input, Radios, Select } from './proxy-fields.tsx';
import { inLocale, type ProxyLayoutBase, ProxyPage } from './proxy-layout.tsx';

/**
 * Text fields whose id, name and error key are one word, their values taken from the form's values, as
 * most fields of these forms are.
 */
function textFields<K extends string>(
  t: Translate,
  errors: FieldError[],
  values: Partial<Record<K, string>>,
) {
  return (
    name: K,
    label: string,
    hint: string,
    control: { type?: 'tel' | 'search'; inputmode?: 'tel' } = {},
  ) => (
    <Input
      t={t}
      id={name}
      name={name}
      {...control}
      label={label}
      hint={hint}
      value={values[name]}
      error={errorFor(errors, name)}
    />
  );
}

export const FindResidentPage: FC<{
  base: ProxyLayoutBase;
  csrfToken: string;
  phone: string;
  name: string;
  searched: boolean;
  results: FoundResident[];
  errors: FieldError[];
}> = (p) => {
  const { t, locale } = p.base;
  const text = textFields(t, p.errors, { phone: p.phone, name: p.name });
  return (
    <ProxyPage base={p.base} title={t('proxy:find.title')} errors={p.errors}>
      <p>{t('proxy:find.intro')}</p>
      <form method="post" action="/proxy/residents" novalidate class="search-form">
        <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
        {text('phone', t('proxy:find.phone'), t('proxy:find.phoneHint'), { type: 'tel', inputmode: 'tel' })}
        {text('name', t('proxy:find.name'), t('proxy:find.nameHint'), { type: 'search' })}
        <button type="submit">{t('proxy:find.submit')}</button>
      </form>
      {p.searched ? (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t('proxy:find.resultsTitle')}</h2>
          <p role="status">{t('proxy:find.resultCount', { count: p.results.length })}</p>
          {p.results.length ? (
            <ul class="card-list">
              {p.results.map((r) => (
                <li class="card">
                  <h3>{r.name ?? t('proxy:common.unnamed')}</h3>
                  <p>{inLocale(r.communityName, locale) || t('proxy:common.noCommunity')}</p>
                  <p>
                    {r.phoneEnding
                      ? t('proxy:find.phoneEnding', { digits: r.phoneEnding })
                      : t('proxy:find.noPhone')}
                  </p>
                  <a class="button" href={`/proxy/visits/new?resident=${r.id}`}>
                    {t('proxy:find.choose')}
                    <span class="visually-hidden"> {r.name ?? ''}</span>
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      <h2>{t('proxy:find.notFoundTitle')}</h2>
      <p>
        <a class="button secondary" href="/proxy/residents/new">
          {t('proxy:find.register')}
        </a>
      </p>
    </ProxyPage>
  );
};

export const RegisterResidentPage: FC<{
  base: ProxyLayoutBase;
  csrfToken: string;
  communities: { id: string; name: LocalizedText }[];
  values: { name?: string; phone?: string; communityId?: string; locale?: string };
  errors: FieldError[];
  /** A resident already registered with the phone number given. */
  knownResidentId?: string | undefined;
}> = (p) => {
  const { t, locale } = p.base;
  const text = textFields(t, p.errors, p.values);
  return (
    <ProxyPage base={p.base} title={t('proxy:register.title')} errors={p.errors}>
      <p>{t('proxy:register.intro')}</p>
      {p.knownResidentId ? (
        <p class="notice">
          <a href={`/proxy/visits/new?resident=${p.knownResidentId}`}>{t('proxy:register.useKnown')}</a>
        </p>
      ) : null}
      <form method="post" action="/proxy/residents/new" novalidate>
        <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
        {text('name', t('proxy:register.name'), t('proxy:register.nameHint'))}
        {text('phone', t('proxy:register.phone'), t('proxy:register.phoneHint'), {
          type: 'tel',
          inputmode: 'tel',
        })}
        <Select
          t={t}
          id="communityId"
          name="communityId"
          label={t('proxy:register.community')}
          placeholder={t('proxy:register.communityPlaceholder')}
          options={p.communities.map((c) => ({ value: c.id, label: inLocale(c.name, locale) }))}
          value={p.values.communityId ?? (p.communities.length === 1 ? p.communities[0]?.id : undefined)}
          error={errorFor(p.errors, 'communityId')}
        />
        <Radios
          t={t}
          id="locale"
          name="locale"
          label={t('proxy:register.language')}
          options={LOCALES.map((l) => ({ value: l, label: t(`proxy:languages.${l}`) }))}
          value={p.values.locale ?? locale}
          error={errorFor(p.errors, 'locale')}
        />
        <button type="submit">{t('proxy:register.submit')}</button>
      </form>
    </ProxyPage>
  );
};

export interface StartVisitValues {
  reason?: string;
  reasonNote?: string;
  interpreterName?: string;
  locale?: string;
  consentKind?: string;
  consentNote?: string;
  guardianName?: string;
  location?: string;
}

export const StartVisitPage: FC<{
  base: ProxyLayoutBase;
  csrfToken: string;
  resident: {
    id: string;
    name: string | null;
    communityName: LocalizedText | null;
    preferredLocale: Locale | null;
  };
  values: StartVisitValues;
  errors: FieldError[];
}> = (p) => {
  const { t, locale } = p.base;
  const v = p.values;
  const text = textFields(t, p.errors, v);
  return (
    <ProxyPage
      base={p.base}
      title={t('proxy:start.title', { name: p.resident.name ?? t('proxy:common.unnamed') })}
      errors={p.errors}
    >
      <p>
        {inLocale(p.resident.communityName, locale) || t('proxy:common.noCommunity')} ·{' '}
        <a href="/proxy/residents">{t('proxy:start.otherResident')}</a>
      </p>
      <form method="post" action="/proxy/visits" novalidate data-visit-start>
        <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
        <input type="hidden" name="residentId" value={p.resident.id} />
        <Radios
          t={t}
          id="reason"
          name="reason"
          label={t('proxy:start.reason')}
          hint={t('proxy:start.reasonHint')}
          options={PROXY_REASONS.map((r) => ({ value: r, label: t(`proxy:reasons.${r}`) }))}
          value={v.reason}
          error={errorFor(p.errors, 'reason')}
        />
        {text('interpreterName', t('proxy:start.interpreter'), t('proxy:start.interpreterHint'))}
        {text('reasonNote', t('proxy:start.reasonNote'), t('proxy:start.reasonNoteHint'))}
        <Radios
          t={t}
          id="locale"
          name="locale"
          label={t('proxy:start.language')}
          hint={t('proxy:start.languageHint')}
          options={LOCALES.map((l) => ({ value: l, label: t(`proxy:languages.${l}`) }))}
          value={v.locale ?? p.resident.preferredLocale ?? locale}
          error={errorFor(p.errors, 'locale')}
        />
        <Radios
          t={t}
          id="consentKind"
          name="consentKind"
          label={t('proxy:start.consent')}
          hint={t('proxy:start.consentHint')}
          options={CONSENT_KINDS.map((k) => ({
            value: k,
            label: t(`proxy:consent.${k}`),
            hint: t(`proxy:consentHint.${k}`),
          }))}
          value={v.consentKind}
          error={errorFor(p.errors, 'consentKind')}
        />
        <div
          class={errorFor(p.errors, 'consentSignature') ? 'field field-invalid signature' : 'field signature'}
          data-field="consentSignature"
          id="field-consentSignature"
          tabindex={-1}
        >
          <span class="label" id="signature-label">
            {t('proxy:start.signature')}
          </span>
          {errorFor(p.errors, 'consentSignature') ? (
            <span class="field-error" id="field-consentSignature-error">
              <span class="visually-hidden">{t('web:fieldErrorPrefix')}</span>
              {errorFor(p.errors, 'consentSignature')}
            </span>
          ) : null}
          <p class="hint" data-no-script-note>
            {t('proxy:start.signatureNoScript')}
          </p>
          <div class="signature-pad" data-signature-pad hidden>
            <p class="hint" id="signature-pad-hint">
              {t('proxy:start.signatureHint')}
            </p>
            <svg
              viewBox={`0 0 ${SIGNATURE_WIDTH} ${SIGNATURE_HEIGHT}`}
              role="img"
              aria-labelledby="signature-label"
              aria-describedby="signature-pad-hint"
              data-signature-surface
            >
              <title>{t('proxy:start.signature')}</title>
              <path d="" fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" />
            </svg>
            <p
              class="signature-state"
              aria-live="polite"
              data-signed={t('proxy:start.signatureDrawn')}
              data-empty={t('proxy:start.signatureEmpty')}
            >
              {t('proxy:start.signatureEmpty')}
            </p>
            <button type="button" class="secondary" data-signature-clear>
              {t('proxy:start.signatureClear')}
            </button>
          </div>
          <input type="hidden" name="consentSignature" value="" />
        </div>
        {text('consentNote', t('proxy:start.consentNote'), t('proxy:start.consentNoteHint'))}
        {text('guardianName', t('proxy:start.guardian'), t('proxy:start.guardianHint'))}
        {text('location', t('proxy:start.location'), t('proxy:start.locationHint'))}
        <button type="submit">{t('proxy:start.submit')}</button>
      </form>
    </ProxyPage>
  );
};
