/**
 * The visit: who is being visited and until when, a form for each kind of record, the read-back
 * step, and what has been recorded so far. Everything needed to record without signal is on this one
 * page: the forms, the read-back templates in the resident's language, and the offline queue's place.
 * Without script the forms post to the server, which shows the read-back on its own page.
 */
import type { FC } from 'hono/jsx';
import type { Locale, ProxyRecordKind } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { ProxyVisitView } from '../../src/proxy/get-proxy-visit.ts';
import type { ProxyRecordListItem } from '../../src/proxy/list-proxy-records.ts';
import type { ChoiceSurvey, ChoiceTopic, VisitChoices } from '../../src/proxy/list-visit-choices.ts';
import type { ReadBackTemplates } from '../../src/proxy/read-back.ts';
import { RECORD_PLACE_MAX, RECORD_TEXT_MAX } from '../../src/proxy/submit-proxy-record.ts';
import { CSRF_FIELD } from '../http/csrf.ts';
import { errorFor, type FieldError } from '../http/error-summary.tsx';
import { Checkbox, Input, type Option, Radios, Select, Textarea } from './proxy-fields.tsx';
import { inLocale, type ProxyLayoutBase, ProxyPage, SPEECH_LANG } from './proxy-layout.tsx';

/** Read-back templates per form: by topic code for opinions and votes, '' otherwise. */
export interface VisitTemplates {
  opinion: Record<string, ReadBackTemplates>;
  vote: Record<string, ReadBackTemplates>;
  need: ReadBackTemplates;
  /** By question id. */
  survey: Record<string, ReadBackTemplates>;
}

/** A form shown again after the server found problems (no script), with what was typed. */
export interface FailedForm {
  formId: string;
  values: Record<string, string>;
  errors: FieldError[];
}

/** A record being corrected: only its kind's form is shown, filled with its values. */
export interface Correcting {
  recordId: string;
  kind: ProxyRecordKind;
  readBackText: string;
  values: Record<string, string>;
  questionId: string | null;
}

export interface VisitPageProps {
  base: ProxyLayoutBase;
  csrfToken: string;
  view: ProxyVisitView;
  times: { started: string; expires: string };
  choices: VisitChoices;
  templates: VisitTemplates;
  records: ProxyRecordListItem[];
  failed?: FailedForm | undefined;
  /** The message after a record was submitted without script. */
  done?: string | undefined;
  correcting?: Correcting | undefined;
  canExtend: boolean;
}

/** What the offline queue's script says, in the proxy's language. */
export function queueConfig(t: Translate): Record<string, string> {
  return {
    'msg-sent': t('proxy:queue.sent'),
    'msg-queued': t('proxy:queue.queued'),
    'msg-waiting-one': t('proxy:queue.waitingOne'),
    'msg-waiting-many': t('proxy:queue.waitingMany'),
    'msg-rejected': t('proxy:queue.rejected'),
    'msg-signin': t('proxy:queue.signIn'),
    'msg-remove': t('proxy:queue.remove'),
    'msg-offline': t('proxy:queue.offline'),
  };
}

export function statusLabel(t: Translate, status: string): string {
  return t(`proxy:status.${status}`);
}

const RecordList: FC<{ t: Translate; records: ProxyRecordListItem[] }> = ({ t, records }) => (
  <ul class="record-list">
    {records.map((r) => (
      <li class={`record status-${r.status}`}>
        <p class="record-text" lang={r.readBackLocale}>
          {r.readBackText}
        </p>
        <p>
          <span class="tag">{statusLabel(t, r.status)}</span>{' '}
          <a href={`/proxy/records/${r.id}`}>
            {t('proxy:visit.recordLink')}
            <span class="visually-hidden"> {r.readBackText.split('\n')[0]}</span>
          </a>
        </p>
      </li>
    ))}
  </ul>
);

interface FormShell {
  t: Translate;
  csrfToken: string;
  visitId: string;
  formId: string;
  kind: ProxyRecordKind;
  templates: Record<string, ReadBackTemplates>;
  /** Messages the script shows for its own checks, in the proxy's language. */
  messages: Record<string, string>;
  correcting: Correcting | undefined;
  failed: FailedForm | undefined;
  hidden?: Record<string, string>;
  submitLabel: string;
  children?: unknown;
}

function fieldValue(
  shell: Pick<FormShell, 'failed' | 'correcting' | 'formId'>,
  name: string,
): string | undefined {
  if (shell.failed?.formId === shell.formId) return shell.failed.values[name];
  return shell.correcting?.values[name];
}

function errorOf(shell: Pick<FormShell, 'failed' | 'formId'>, name: string): string | undefined {
  return shell.failed?.formId === shell.formId
    ? errorFor(shell.failed.errors, `${shell.formId}-${name}`)
    : undefined;
}

const RecordForm: FC<FormShell> = (p) => {
  const data = Object.fromEntries(Object.entries(p.messages).map(([k, v]) => [`data-msg-${k}`, v]));
  return (
    <form
      method="post"
      action="/proxy/visit/read-back"
      novalidate
      data-proxy-form={p.formId}
      data-kind={p.kind}
      data-readback={JSON.stringify(p.templates)}
      {...data}
    >
      <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
      <input type="hidden" name="visitId" value={p.visitId} />
      <input type="hidden" name="kind" value={p.kind} />
      <input type="hidden" name="formId" value={p.formId} />
      {Object.entries(p.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {p.correcting ? (
        <>
          <input type="hidden" name="correctsId" value={p.correcting.recordId} />
          <Textarea
            t={p.t}
            id={`${p.formId}-correctionNote`}
            name="correctionNote"
            label={p.t('proxy:visit.correctionNote')}
            hint={p.t('proxy:visit.correctionNoteHint')}
            value={fieldValue(p, 'correctionNote')}
            error={errorOf(p, 'correctionNote')}
            rows={2}
          />
        </>
      ) : null}
      {p.children}
      <button type="submit">{p.submitLabel}</button>
    </form>
  );
};

function topicOptions(topics: ChoiceTopic[], locale: Locale): Option[] {
  return topics.map((topic) => ({
    value: topic.code,
    label: `${topic.code} ${inLocale(topic.title, locale)}`,
  }));
}

function surveyAnswerOptions(t: Translate, kind: 'satisfaction' | 'yes_no' | 'text'): Option[] {
  if (kind === 'satisfaction') {
    return ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'].map(
      (v) => ({ value: v, label: t(`proxy:surveyAnswer.${v}`) }),
    );
  }
  if (kind === 'yes_no') return ['yes', 'no'].map((v) => ({ value: v, label: t(`proxy:surveyAnswer.${v}`) }));
  return [];
}

export const VisitPage: FC<VisitPageProps> = (p) => {
  const { t, locale } = p.base;
  const { visit, resident } = p.view;
  const name = resident.name ?? t('proxy:common.unnamed');
  const residentLang = visit.locale;
  const common = {
    t,
    csrfToken: p.csrfToken,
    visitId: visit.id,
    correcting: p.correcting,
    failed: p.failed,
    submitLabel: t('proxy:visit.next'),
  };
  const messages = {
    summary: t('web:errorSummary.heading'),
    topic: t('proxy:errors.topicRequired'),
    stance: t('proxy:errors.stanceRequired'),
    suggestion: t('proxy:errors.suggestionTextRequired'),
    vote: t('proxy:errors.voteRequired'),
    need: t('proxy:errors.needRequired'),
    answer: t('proxy:errors.answerRequired'),
    long: t('proxy:errors.tooLong', { maximum: RECORD_TEXT_MAX }),
    'place-long': t('proxy:errors.tooLong', { maximum: RECORD_PLACE_MAX }),
    max: String(RECORD_TEXT_MAX),
    'place-max': String(RECORD_PLACE_MAX),
  };
  const show = (kind: ProxyRecordKind, questionId?: string) =>
    !p.correcting ||
    (p.correcting.kind === kind && (questionId === undefined || p.correcting.questionId === questionId));
  const stanceOptions: Option[] = (['support', 'oppose', 'suggestion'] as const).map((s) => ({
    value: s,
    label: t(`proxy:stance.${s}`),
  }));
  const voteOptions: Option[] = (['support', 'oppose', 'abstain'] as const).map((c) => ({
    value: c,
    label: t(`proxy:voteOption.${c}`),
  }));
  const surveysShown: ChoiceSurvey[] = p.choices.surveys
    .map((s) => ({ ...s, questions: s.questions.filter((q) => show('survey_answer', q.id)) }))
    .filter((s) => s.questions.length > 0);

  return (
    <ProxyPage
      base={p.base}
      title={t('proxy:visit.title', { name })}
      errors={p.failed?.errors}
      config={{
        csrf: p.csrfToken,
        api: '/proxy/api/records',
        visit: visit.id,
        'speech-lang': SPEECH_LANG[residentLang],
        'resident-lang': residentLang,
        'msg-read': t('proxy:readBack.readAloud'),
        'msg-stop': t('proxy:readBack.stopReading'),
        'msg-confirm-required': t('proxy:errors.readBackRequired'),
        ...queueConfig(t),
        'msg-summary': t('web:errorSummary.heading'),
        'msg-error-prefix': t('web:fieldErrorPrefix'),
        'title-prefix': t('web:errorTitlePrefix'),
      }}
    >
      {p.done ? (
        <div class="panel-confirmation" role="status">
          <h2>{t('proxy:done.title')}</h2>
          <p>{p.done}</p>
        </div>
      ) : null}
      <div id="proxy-status" role="status" class="proxy-status" />
      <div id="proxy-visit-main">
        <dl class="summary-list">
          <div>
            <dt>{t('proxy:visit.time')}</dt>
            <dd>{t('proxy:visit.timeValue', { started: p.times.started, expires: p.times.expires })}</dd>
          </div>
          <div>
            <dt>{t('proxy:visit.reason')}</dt>
            <dd>
              {t(`proxy:reasons.${visit.reason}`)}
              {visit.interpreterName
                ? ` · ${t('proxy:visit.interpreter', { name: visit.interpreterName })}`
                : ''}
              {visit.reasonNote ? ` · ${visit.reasonNote}` : ''}
            </dd>
          </div>
          <div>
            <dt>{t('proxy:visit.consent')}</dt>
            <dd>
              {t(`proxy:consent.${visit.consentKind}`)}
              {visit.guardianName ? ` · ${visit.guardianName}` : ''}
            </dd>
          </div>
          <div>
            <dt>{t('proxy:visit.language')}</dt>
            <dd>{t(`proxy:languages.${residentLang}`)}</dd>
          </div>
        </dl>
        <div class="button-row">
          {p.canExtend ? (
            <form method="post" action={`/proxy/visits/${visit.id}/extend`}>
              <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
              <button type="submit" class="secondary">
                {t('proxy:visit.extend')}
              </button>
            </form>
          ) : null}
          <form method="post" action={`/proxy/visits/${visit.id}/end`}>
            <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
            <button type="submit" class="secondary">
              {t('proxy:visit.end')}
            </button>
          </form>
        </div>

        {p.correcting ? (
          <div class="notice">
            <h2>{t('proxy:visit.correctingTitle')}</h2>
            <p class="record-text" lang={residentLang}>
              {p.correcting.readBackText}
            </p>
            <p>
              <a href="/proxy/visit">{t('proxy:visit.cancelCorrection')}</a>
            </p>
          </div>
        ) : (
          <nav class="record-kinds" aria-label={t('proxy:visit.kindsLabel')}>
            <ul>
              <li>
                <a href="#record-opinion">{t('proxy:visit.opinionTitle')}</a>
              </li>
              <li>
                <a href="#record-need">{t('proxy:visit.needTitle')}</a>
              </li>
              <li>
                <a href="#record-vote">{t('proxy:visit.voteTitle')}</a>
              </li>
              <li>
                <a href="#record-survey">{t('proxy:visit.surveyTitle')}</a>
              </li>
            </ul>
          </nav>
        )}

        <section id="proxy-pending" class="pending" aria-labelledby="proxy-pending-title" hidden>
          <h2 id="proxy-pending-title">{t('proxy:queue.title')}</h2>
          <ul />
        </section>

        {show('opinion') ? (
          <section id="record-opinion" aria-labelledby="record-opinion-title">
            <h2 id="record-opinion-title">{t('proxy:visit.opinionTitle')}</h2>
            {p.choices.opinionTopics.length ? (
              <RecordForm
                {...common}
                formId="opinion"
                kind="opinion"
                templates={p.templates.opinion}
                messages={messages}
              >
                <Select
                  t={t}
                  id="opinion-topic"
                  name="topic"
                  label={t('proxy:visit.topic')}
                  placeholder={t('proxy:visit.topicPlaceholder')}
                  options={topicOptions(p.choices.opinionTopics, locale)}
                  value={fieldValue({ ...common, formId: 'opinion' }, 'topic')}
                  error={errorOf({ ...common, formId: 'opinion' }, 'topic')}
                />
                <Radios
                  t={t}
                  id="opinion-choice"
                  name="choice"
                  label={t('proxy:visit.stance')}
                  options={stanceOptions}
                  value={fieldValue({ ...common, formId: 'opinion' }, 'choice')}
                  error={errorOf({ ...common, formId: 'opinion' }, 'choice')}
                />
                <Textarea
                  t={t}
                  id="opinion-text"
                  name="text"
                  label={t('proxy:visit.words')}
                  hint={t('proxy:visit.wordsHint')}
                  value={fieldValue({ ...common, formId: 'opinion' }, 'text')}
                  error={errorOf({ ...common, formId: 'opinion' }, 'text')}
                />
              </RecordForm>
            ) : (
              <p>{t('proxy:visit.noOpinionTopics')}</p>
            )}
          </section>
        ) : null}

        {show('need') ? (
          <section id="record-need" aria-labelledby="record-need-title">
            <h2 id="record-need-title">{t('proxy:visit.needTitle')}</h2>
            <RecordForm
              {...common}
              formId="need"
              kind="need"
              templates={{ '': p.templates.need }}
              messages={messages}
            >
              <Textarea
                t={t}
                id="need-text"
                name="text"
                label={t('proxy:visit.needWhat')}
                hint={t('proxy:visit.wordsHint')}
                value={fieldValue({ ...common, formId: 'need' }, 'text')}
                error={errorOf({ ...common, formId: 'need' }, 'text')}
              />
              <Input
                t={t}
                id="need-place"
                name="place"
                label={t('proxy:visit.needWhere')}
                hint={t('proxy:visit.needWhereHint')}
                value={fieldValue({ ...common, formId: 'need' }, 'place')}
                error={errorOf({ ...common, formId: 'need' }, 'place')}
              />
            </RecordForm>
          </section>
        ) : null}

        {show('vote') ? (
          <section id="record-vote" aria-labelledby="record-vote-title">
            <h2 id="record-vote-title">{t('proxy:visit.voteTitle')}</h2>
            <p>{t('proxy:visit.voteIntro')}</p>
            {p.choices.voteTopics.length ? (
              <RecordForm
                {...common}
                formId="vote"
                kind="vote"
                templates={p.templates.vote}
                messages={messages}
              >
                <Select
                  t={t}
                  id="vote-topic"
                  name="topic"
                  label={t('proxy:visit.topic')}
                  placeholder={t('proxy:visit.topicPlaceholder')}
                  options={topicOptions(p.choices.voteTopics, locale)}
                  value={fieldValue({ ...common, formId: 'vote' }, 'topic')}
                  error={errorOf({ ...common, formId: 'vote' }, 'topic')}
                />
                <Radios
                  t={t}
                  id="vote-choice"
                  name="choice"
                  label={t('proxy:visit.vote')}
                  options={voteOptions}
                  value={fieldValue({ ...common, formId: 'vote' }, 'choice')}
                  error={errorOf({ ...common, formId: 'vote' }, 'choice')}
                />
              </RecordForm>
            ) : (
              <p>{t('proxy:visit.noVoteTopics')}</p>
            )}
          </section>
        ) : null}

        {show('survey_answer') ? (
          <section id="record-survey" aria-labelledby="record-survey-title">
            <h2 id="record-survey-title">{t('proxy:visit.surveyTitle')}</h2>
            {surveysShown.length ? (
              surveysShown.map((survey) => (
                <details
                  class="survey"
                  open={p.correcting !== undefined || p.failed?.formId.startsWith('survey-')}
                >
                  <summary>
                    {survey.code} {inLocale(survey.title, locale)}
                  </summary>
                  {survey.questions.map((q) => {
                    const formId = `survey-${q.id}`;
                    const shell = { ...common, formId };
                    return (
                      <RecordForm
                        {...common}
                        formId={formId}
                        kind="survey_answer"
                        templates={{ '': p.templates.survey[q.id] as ReadBackTemplates }}
                        messages={messages}
                        hidden={{ survey: survey.code, question: q.id }}
                      >
                        {q.kind === 'text' ? (
                          <Textarea
                            t={t}
                            id={`${formId}-text`}
                            name="text"
                            label={t('proxy:visit.question', {
                              position: q.position,
                              question: inLocale(q.prompt, locale),
                            })}
                            value={fieldValue(shell, 'text')}
                            error={errorOf(shell, 'text')}
                          />
                        ) : (
                          <Radios
                            t={t}
                            id={`${formId}-choice`}
                            name="choice"
                            label={t('proxy:visit.question', {
                              position: q.position,
                              question: inLocale(q.prompt, locale),
                            })}
                            options={surveyAnswerOptions(t, q.kind)}
                            value={fieldValue(shell, 'choice')}
                            error={errorOf(shell, 'choice')}
                          />
                        )}
                      </RecordForm>
                    );
                  })}
                </details>
              ))
            ) : (
              <p>{t('proxy:visit.noSurveys')}</p>
            )}
          </section>
        ) : null}

        <section aria-labelledby="visit-records-title">
          <h2 id="visit-records-title">{t('proxy:visit.recordsTitle')}</h2>
          {p.records.length ? <RecordList t={t} records={p.records} /> : <p>{t('proxy:visit.noRecords')}</p>}
        </section>
      </div>

      <section id="proxy-readback" class="readback" aria-labelledby="proxy-readback-title" hidden>
        <h2 id="proxy-readback-title" tabindex={-1}>
          {t('proxy:readBack.title', { name })}
        </h2>
        <p>{t('proxy:readBack.instructions')}</p>
        <p class="readback-text" id="proxy-readback-text" lang={residentLang} />
        <div class="button-row">
          <button type="button" class="secondary" id="proxy-read-aloud" hidden>
            {t('proxy:readBack.readAloud')}
          </button>
        </div>
        <div class="field" id="proxy-readback-field">
          <div class="checkbox">
            <input type="checkbox" id="field-readBackConfirmed" />
            <label for="field-readBackConfirmed">{t('proxy:readBack.confirm', { name })}</label>
          </div>
        </div>
        <div class="button-row">
          <button type="button" id="proxy-readback-submit">
            {t('proxy:readBack.submit')}
          </button>
          <button type="button" class="secondary" id="proxy-readback-back">
            {t('proxy:readBack.change')}
          </button>
        </div>
      </section>
    </ProxyPage>
  );
};

/** The read-back on its own page (the console without script): large text, then confirm and submit. */
export const ReadBackPage: FC<{
  base: ProxyLayoutBase;
  csrfToken: string;
  residentName: string;
  locale: Locale;
  readBackText: string;
  clientId: string;
  fields: Record<string, string>;
  errors: FieldError[];
}> = (p) => {
  const { t } = p.base;
  return (
    <ProxyPage
      base={p.base}
      title={t('proxy:readBack.title', { name: p.residentName })}
      errors={p.errors}
      config={{
        'speech-lang': SPEECH_LANG[p.locale],
        'msg-read': t('proxy:readBack.readAloud'),
        'msg-stop': t('proxy:readBack.stopReading'),
      }}
    >
      <p>{t('proxy:readBack.instructions')}</p>
      <p class="readback-text" id="proxy-readback-text" lang={p.locale}>
        {p.readBackText}
      </p>
      <div class="button-row">
        <button type="button" class="secondary" id="proxy-read-aloud" hidden>
          {t('proxy:readBack.readAloud')}
        </button>
      </div>
      <form method="post" action="/proxy/visit/records" novalidate>
        <input type="hidden" name={CSRF_FIELD} value={p.csrfToken} />
        <input type="hidden" name="clientId" value={p.clientId} />
        <input type="hidden" name="readBackText" value={p.readBackText} />
        {Object.entries(p.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <Checkbox
          t={t}
          id="readBackConfirmed"
          name="readBackConfirmed"
          label={t('proxy:readBack.confirm', { name: p.residentName })}
          error={errorFor(p.errors, 'readBackConfirmed')}
        />
        <div class="button-row">
          <button type="submit">{t('proxy:readBack.submit')}</button>
          <a class="button secondary" href="/proxy/visit">
            {t('proxy:readBack.change')}
          </a>
        </div>
      </form>
    </ProxyPage>
  );
};

export { RecordList };
