/**
 * Multi-page forms, GOV.UK style: one question per page, answers carried forward in hidden fields,
 * validated on submit, each error shown in a summary that takes focus and next to its field. A phone
 * number, when given, is proved with an SMS code before the submission is linked to it. Each form
 * carries a client-side reference (a UUID) that becomes the intake's externalId, so sending the last
 * page twice stores one record and shows the same confirmation.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { HTTP_STATUS, ServiceError } from '../../src/core/errors.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { confirmPhoneVerification } from '../../src/residents/confirm-phone-verification.ts';
import { normalisePhone } from '../../src/residents/normalise-phone.ts';
import { startPhoneVerification } from '../../src/residents/start-phone-verification.ts';
import { CSRF_FIELD, issueAnonymousCsrf } from '../http/csrf.ts';
import type { PageEnv } from '../http/env.ts';
import type { FieldError } from '../http/error-summary.tsx';
import { InputField, type RadioOption, RadiosField, TextareaField } from './fields.tsx';
import { type LimitName, overLimit, type WebLimits } from './limits.ts';
import { residentCtx } from './web-context.ts';
import { type PageBase, pageBase, WebPage } from './web-page.tsx';

export type Values = Record<string, string>;

export type StepInput =
  | { type: 'radios'; options: RadioOption[] }
  | { type: 'textarea'; maxLength: number }
  | { type: 'text'; maxLength: number; autocomplete?: string }
  | { type: 'tel' };

export interface FlowStep {
  /** The form field's name; also the key in `Values`. */
  name: string;
  question: string;
  hint?: string;
  optional?: boolean;
  /** The message when a required answer is missing (a generic one otherwise). */
  requiredMessage?: string;
  input: StepInput;
  /** A further check on the trimmed answer (also called for an empty optional answer). */
  check?: (value: string, values: Values) => string | undefined;
}

export interface Confirmation {
  title: string;
  /** The one-line result, announced as a status message. */
  message: string;
  details: { label: string; value: string }[];
  next: string;
  links: { href: string; label: string }[];
}

export interface Flow {
  /** Where every page of the form posts to. */
  action: string;
  title: string;
  intro?: string;
  /** The questions in order; a phone question, if any, is last and named `phone`. */
  steps: FlowStep[];
  /** Stores the submission once every answer (and any phone number) is in. */
  complete(input: { values: Values; ref: string; residentId?: string; ctx: Ctx }): Promise<Confirmation>;
  submitLabel: string;
  /** Called once a submission is stored, e.g. to refresh cached pages that count it. */
  afterComplete?: () => void;
}

/** Name of the phone question and of the one-time-code page. */
export const PHONE_STEP = 'phone';
export const CODE_STEP = 'code';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The phone question, optional or required. */
export function phoneStep(t: Translate, required: boolean): FlowStep {
  return {
    name: PHONE_STEP,
    question: t('site:common.phoneLabel'),
    hint: t(required ? 'site:common.phoneHintRequired' : 'site:common.phoneHintOptional'),
    optional: !required,
    requiredMessage: t('site:common.phoneMissing'),
    input: { type: 'tel' },
    check: (value) => (value && !normalisePhone(value) ? t('site:common.phoneInvalid') : undefined),
  };
}

/** The problem with one answer, in the reader's language, or undefined when it is fine. */
export function checkStep(t: Translate, step: FlowStep, values: Values): string | undefined {
  const value = (values[step.name] ?? '').trim();
  if (!value) {
    if (!step.optional) return step.requiredMessage ?? t('site:common.required');
    return step.check?.('', values);
  }
  switch (step.input.type) {
    case 'radios':
      if (!step.input.options.some((o) => o.value === value)) return t('site:common.chooseOne');
      break;
    case 'textarea':
    case 'text':
      if ([...value].length > step.input.maxLength)
        return t('site:common.tooLong', { max: step.input.maxLength });
      break;
    case 'tel':
      break;
  }
  return step.check?.(value, values);
}

/** Hidden copies of the answers not asked on this page, so they survive to the last one. */
const CarriedValues: FC<{ flow: Flow; values: Values; except?: string }> = ({ flow, values, except }) => (
  <>
    {flow.steps
      .filter((s) => s.name !== except && (values[s.name] ?? '') !== '')
      .map((s) => (
        <input type="hidden" name={s.name} value={values[s.name]} />
      ))}
  </>
);

const StepControl: FC<{ t: Translate; step: FlowStep; value: string; error?: string | undefined }> = ({
  t,
  step,
  value,
  error,
}) => {
  const common = {
    t,
    name: step.name,
    label: step.optional ? `${step.question} ${t('site:common.optional')}` : step.question,
    hint: step.hint,
    error,
  };
  switch (step.input.type) {
    case 'radios':
      return <RadiosField {...common} options={step.input.options} value={value} />;
    case 'textarea':
      return <TextareaField {...common} value={value} maxLength={step.input.maxLength} />;
    case 'text':
      return <InputField {...common} value={value} autocomplete={step.input.autocomplete} />;
    case 'tel':
      return (
        <InputField {...common} value={value} type="tel" inputmode="tel" autocomplete="tel" width="short" />
      );
  }
};

interface StepPageProps {
  base: PageBase;
  csrfToken: string;
  flow: Flow;
  index: number;
  values: Values;
  ref: string;
  errors: FieldError[];
}

const StepPage: FC<StepPageProps> = ({ base, csrfToken, flow, index, values, ref, errors }) => {
  const { t } = base;
  const step = flow.steps[index];
  if (!step) throw new Error(`flow ${flow.action} has no step ${index}`);
  const last = index === flow.steps.length - 1;
  return (
    <WebPage base={base} title={flow.title} errors={errors}>
      <p class="caption">{t('site:common.stepOf', { step: index + 1, count: flow.steps.length })}</p>
      {index === 0 && flow.intro ? <p>{flow.intro}</p> : null}
      <form method="post" action={flow.action} novalidate>
        <input type="hidden" name={CSRF_FIELD} value={csrfToken} />
        <input type="hidden" name="ref" value={ref} />
        <input type="hidden" name="step" value={step.name} />
        <CarriedValues flow={flow} values={values} except={step.name} />
        <StepControl
          t={t}
          step={step}
          value={values[step.name] ?? ''}
          error={errors.find((e) => e.field === step.name)?.message}
        />
        <div class="button-row">
          <button type="submit" name="action" value="continue">
            {last ? flow.submitLabel : t('site:common.continue')}
          </button>
          {index > 0 ? (
            <button type="submit" name="action" value="back" class="secondary">
              {t('site:common.back')}
            </button>
          ) : null}
        </div>
      </form>
    </WebPage>
  );
};

interface CodePageProps {
  base: PageBase;
  csrfToken: string;
  flow: Flow;
  values: Values;
  ref: string;
  verificationId: string;
  errors: FieldError[];
  held: boolean;
  resent: boolean;
}

const CodePage: FC<CodePageProps> = (props) => {
  const { base, flow, values, errors } = props;
  const { t } = base;
  return (
    <WebPage base={base} title={`${t('site:verification.title')} – ${flow.title}`} errors={errors}>
      {props.resent && errors.length === 0 ? (
        <div class="notice" role="status">
          <p>{t('site:verification.resent')}</p>
        </div>
      ) : null}
      <p>{t('site:verification.intro')}</p>
      {props.held ? <p>{t('site:verification.held', { helpPhone: base.helpPhone })}</p> : null}
      <form method="post" action={flow.action} novalidate>
        <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
        <input type="hidden" name="ref" value={props.ref} />
        <input type="hidden" name="step" value={CODE_STEP} />
        <input type="hidden" name="verification" value={props.verificationId} />
        <CarriedValues flow={flow} values={values} />
        <InputField
          t={t}
          name={CODE_STEP}
          label={t('site:verification.code')}
          hint={t('site:verification.codeHint')}
          error={errors.find((e) => e.field === CODE_STEP)?.message}
          inputmode="numeric"
          autocomplete="one-time-code"
          width="short"
        />
        <div class="button-row">
          <button type="submit" name="action" value="continue">
            {t('site:verification.confirm')}
          </button>
          <button type="submit" name="action" value="resend" class="secondary">
            {t('site:verification.resend')}
          </button>
          <button type="submit" name="action" value="back" class="secondary">
            {t('site:verification.change')}
          </button>
        </div>
      </form>
    </WebPage>
  );
};

/** The page that says it worked: a status message, what was sent, what happens next. */
export const ConfirmationPage: FC<{ base: PageBase; confirmation: Confirmation; ref?: string }> = ({
  base,
  confirmation,
  ref,
}) => {
  const { t } = base;
  return (
    <WebPage base={base} title={confirmation.title}>
      <div class="panel-confirmation" role="status">
        <p class="lead">{confirmation.message}</p>
        {ref ? <p>{t('site:common.reference', { ref: shortRef(ref) })}</p> : null}
      </div>
      {confirmation.details.length ? (
        <dl class="summary-list">
          {confirmation.details.map((d) => (
            <div>
              <dt>{d.label}</dt>
              <dd>{d.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <h2>{t('site:common.whatNext')}</h2>
      <p>{confirmation.next}</p>
      <ul class="link-list">
        {confirmation.links.map((l) => (
          <li>
            <a href={l.href}>{l.label}</a>
          </li>
        ))}
      </ul>
    </WebPage>
  );
};

/** The part of a reference people can read out on the phone. */
export function shortRef(ref: string): string {
  return ref.replace(/-/g, '').slice(0, 8).toUpperCase();
}

export interface FlowRuntime {
  deps: AppDeps;
  limits: WebLimits;
  limitPrefix: string;
  /** Hands a queued code message to the sender queue at once (a periodic sweep catches any missed). */
  enqueueOutbox: (outboxId: string) => Promise<void>;
}

type Status = 200 | 400 | 404 | 409 | 429;

function statusOf(error: ServiceError): Status {
  const status = HTTP_STATUS[error.code];
  return status === 429 || status === 409 ? status : 400;
}

/** Renders the first page of a form, with a fresh reference. */
export function renderFlowStart(
  rt: FlowRuntime,
  c: Context<PageEnv>,
  flow: Flow,
): Response | Promise<Response> {
  return renderStep(rt, c, flow, { index: 0, values: {}, ref: randomUUID(), errors: [] }, 200);
}

function renderStep(
  rt: FlowRuntime,
  c: Context<PageEnv>,
  flow: Flow,
  props: { index: number; values: Values; ref: string; errors: FieldError[] },
  status: Status,
): Response | Promise<Response> {
  return c.html(
    <StepPage
      base={pageBase(rt.deps, c)}
      csrfToken={issueAnonymousCsrf(c, rt.deps.config)}
      flow={flow}
      {...props}
    />,
    status,
  );
}

function renderCode(
  rt: FlowRuntime,
  c: Context<PageEnv>,
  flow: Flow,
  props: Omit<CodePageProps, 'base' | 'csrfToken' | 'flow'>,
  status: Status,
): Response | Promise<Response> {
  return c.html(
    <CodePage
      base={pageBase(rt.deps, c)}
      csrfToken={issueAnonymousCsrf(c, rt.deps.config)}
      flow={flow}
      {...props}
    />,
    status,
  );
}

function rateLimitedError(
  c: Context<PageEnv>,
  rt: FlowRuntime,
  field: string,
  seconds: number,
): FieldError[] {
  c.header('Retry-After', String(seconds));
  return [
    {
      field,
      message: c.get('t')('site:rateLimited.body', {
        minutes: Math.max(1, Math.ceil(seconds / 60)),
        helpPhone: rt.deps.config.helpPhone,
      }),
    },
  ];
}

function formValues(flow: Flow, body: Record<string, unknown>): Values {
  const values: Values = {};
  for (const step of flow.steps) {
    const raw = body[step.name];
    // Browsers send line breaks as CRLF; store them as typed.
    values[step.name] = typeof raw === 'string' ? raw.replace(/\r\n?/g, '\n') : '';
  }
  return values;
}

/** Handles a POST to any page of a form: the next page, the same page with errors, or the result. */
export async function handleFlowPost(rt: FlowRuntime, c: Context<PageEnv>, flow: Flow): Promise<Response> {
  const t = c.get('t');
  const body = await c.req.parseBody();
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  const values = formValues(flow, body);
  const ref = UUID.test(text('ref')) ? text('ref') : randomUUID();
  const action = text('action') || 'continue';
  const stepName = text('step');
  const phoneIndex = flow.steps.findIndex((s) => s.name === PHONE_STEP);

  if (stepName === CODE_STEP && phoneIndex >= 0) {
    return handleCode(rt, c, flow, {
      values,
      ref,
      action,
      verificationId: text('verification'),
      code: text(CODE_STEP),
    });
  }
  const index = flow.steps.findIndex((s) => s.name === stepName);
  if (index < 0) return renderStep(rt, c, flow, { index: 0, values, ref, errors: [] }, 200);
  if (action === 'back') {
    return renderStep(rt, c, flow, { index: Math.max(0, index - 1), values, ref, errors: [] }, 200);
  }
  // Every page up to this one must be answered (a stale or edited form may have skipped one).
  for (let i = 0; i <= index; i += 1) {
    const step = flow.steps[i] as FlowStep;
    const message = checkStep(t, step, values);
    if (message) {
      return renderStep(rt, c, flow, { index: i, values, ref, errors: [{ field: step.name, message }] }, 400);
    }
  }
  if (index + 1 < flow.steps.length) {
    return renderStep(rt, c, flow, { index: index + 1, values, ref, errors: [] }, 200);
  }

  const phone = (values[PHONE_STEP] ?? '').trim();
  if (phone && phoneIndex >= 0) {
    const ctx = residentCtx(rt.deps, c);
    const wait = await limited(rt, c, ctx, 'codesPerIp');
    if (wait !== undefined) {
      const errors = rateLimitedError(c, rt, PHONE_STEP, wait);
      return renderStep(rt, c, flow, { index: phoneIndex, values, ref, errors }, 429);
    }
    try {
      const started = await startPhoneVerification(
        ctx,
        { phone, locale: c.get('locale') },
        { senders: rt.deps.senders, i18n: rt.deps.i18n },
      );
      if (started.deliveryStatus === 'queued') await enqueue(rt, ctx, started.deliveryId);
      return renderCode(
        rt,
        c,
        flow,
        {
          values,
          ref,
          verificationId: started.verificationId,
          errors: [],
          held: started.deliveryStatus === 'held_no_credentials',
          resent: false,
        },
        200,
      );
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.code === 'rate_limited')
        c.header('Retry-After', String(error.params.retryAfterSeconds ?? 3600));
      const errors = [{ field: PHONE_STEP, message: t(error.messageKey, error.params) }];
      return renderStep(rt, c, flow, { index: phoneIndex, values, ref, errors }, statusOf(error));
    }
  }
  return complete(rt, c, flow, { values, ref, errorStep: flow.steps.length - 1 });
}

async function handleCode(
  rt: FlowRuntime,
  c: Context<PageEnv>,
  flow: Flow,
  input: { values: Values; ref: string; action: string; verificationId: string; code: string },
): Promise<Response> {
  const t = c.get('t');
  const { values, ref, action } = input;
  const phoneIndex = flow.steps.findIndex((s) => s.name === PHONE_STEP);
  if (action === 'back' || !UUID.test(input.verificationId)) {
    return renderStep(rt, c, flow, { index: phoneIndex, values, ref, errors: [] }, 200);
  }
  const ctx = residentCtx(rt.deps, c);
  const codePage = (
    props: { verificationId?: string; errors?: FieldError[]; held?: boolean; resent?: boolean },
    status: Status,
  ) =>
    renderCode(
      rt,
      c,
      flow,
      {
        values,
        ref,
        verificationId: props.verificationId ?? input.verificationId,
        errors: props.errors ?? [],
        held: props.held ?? false,
        resent: props.resent ?? false,
      },
      status,
    );

  if (action === 'resend') {
    const wait = await limited(rt, c, ctx, 'codesPerIp');
    if (wait !== undefined) return codePage({ errors: rateLimitedError(c, rt, CODE_STEP, wait) }, 429);
    try {
      const started = await startPhoneVerification(
        ctx,
        { resendFor: input.verificationId, locale: c.get('locale') },
        { senders: rt.deps.senders, i18n: rt.deps.i18n },
      );
      if (started.deliveryStatus === 'queued') await enqueue(rt, ctx, started.deliveryId);
      return codePage(
        {
          verificationId: started.verificationId,
          held: started.deliveryStatus === 'held_no_credentials',
          resent: true,
        },
        200,
      );
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.code === 'rate_limited')
        c.header('Retry-After', String(error.params.retryAfterSeconds ?? 3600));
      return codePage(
        { errors: [{ field: CODE_STEP, message: t(error.messageKey, error.params) }] },
        statusOf(error),
      );
    }
  }

  let verified: { residentId: string; phoneHash: string };
  try {
    verified = await confirmPhoneVerification(ctx, {
      verificationId: input.verificationId,
      code: input.code,
    });
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const status = error.code === 'rate_limited' ? 429 : 400;
    return codePage({ errors: [{ field: CODE_STEP, message: t(error.messageKey, error.params) }] }, status);
  }
  const phoneWait = await limited(rt, c, ctx, 'submitPerPhone', verified.phoneHash);
  if (phoneWait !== undefined) {
    return codePage({ errors: rateLimitedError(c, rt, CODE_STEP, phoneWait) }, 429);
  }
  return complete(rt, c, flow, {
    values,
    ref,
    residentId: verified.residentId,
    errorStep: -1,
    verificationId: input.verificationId,
  });
}

async function complete(
  rt: FlowRuntime,
  c: Context<PageEnv>,
  flow: Flow,
  input: { values: Values; ref: string; residentId?: string; errorStep: number; verificationId?: string },
): Promise<Response> {
  const ctx = residentCtx(rt.deps, c, input.residentId);
  const wait = await limited(rt, c, ctx, 'submitPerIp');
  if (wait !== undefined) {
    if (input.errorStep < 0 && input.verificationId) {
      return renderCode(
        rt,
        c,
        flow,
        {
          values: input.values,
          ref: input.ref,
          verificationId: input.verificationId,
          errors: rateLimitedError(c, rt, CODE_STEP, wait),
          held: false,
          resent: false,
        },
        429,
      );
    }
    const index = Math.max(0, input.errorStep);
    const step = flow.steps[index] as FlowStep;
    const errors = rateLimitedError(c, rt, step.name, wait);
    return renderStep(rt, c, flow, { index, values: input.values, ref: input.ref, errors }, 429);
  }
  const confirmation = await flow.complete({
    values: input.values,
    ref: input.ref,
    ctx,
    ...(input.residentId ? { residentId: input.residentId } : {}),
  });
  flow.afterComplete?.();
  return c.html(
    <ConfirmationPage base={pageBase(rt.deps, c)} confirmation={confirmation} ref={input.ref} />,
    200,
  );
}

async function limited(
  rt: FlowRuntime,
  c: Context<PageEnv>,
  ctx: Ctx,
  name: LimitName,
  phoneHash?: string,
): Promise<number | undefined> {
  return overLimit(rt.deps, ctx, c, {
    limits: rt.limits,
    prefix: rt.limitPrefix,
    name,
    ...(phoneHash ? { phoneHash } : {}),
  });
}

async function enqueue(rt: FlowRuntime, ctx: Ctx, outboxId: string): Promise<void> {
  try {
    await rt.enqueueOutbox(outboxId);
  } catch (error) {
    ctx.log.warn({ err: error, outboxId }, 'code message not enqueued now; the outbox sweep will send it');
  }
}
