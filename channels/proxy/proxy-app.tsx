/**
 * The proxy console (`/proxy`): grid workers record what residents who cannot attend or cannot write
 * want to say, on home visits; supervisors watch over it. Every route is a staff route (role check,
 * CSRF, registry). Server-rendered pages that work without script; the script adds the read-back
 * read aloud, the signature pad and the offline queue that posts to `/proxy/api/records`.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Ctx } from '../../src/core/context.ts';
import { ServiceError } from '../../src/core/errors.ts';
import type { Locale } from '../../src/db/schema.ts';
import type { OutboundChannel } from '../../src/outreach/sender.ts';
import { listCommunities } from '../../src/places/list-communities.ts';
import { acknowledgeProxyAlert } from '../../src/proxy/acknowledge-proxy-alert.ts';
import { answerProxyConfirmation } from '../../src/proxy/answer-proxy-confirmation.ts';
import { closeVisitListItem, markDeliveryVisited } from '../../src/proxy/close-visit-list-item.ts';
import { endProxyVisit } from '../../src/proxy/end-proxy-visit.ts';
import { extendProxyVisit } from '../../src/proxy/extend-proxy-visit.ts';
import { findVisitResidents } from '../../src/proxy/find-visit-residents.ts';
import { getProxySupervision } from '../../src/proxy/get-proxy-supervision.ts';
import { getCurrentProxyVisit, type ProxyVisitView } from '../../src/proxy/get-proxy-visit.ts';
import { getVisitResident } from '../../src/proxy/get-visit-resident.ts';
import {
  getProxyRecord,
  listMyProxyRecords,
  listRecordsOfProxy,
  listSecondVisitRecords,
} from '../../src/proxy/list-proxy-records.ts';
import { listVisitChoices } from '../../src/proxy/list-visit-choices.ts';
import { listVisitList } from '../../src/proxy/list-visit-list.ts';
import { PROXY_HOME_ROLES, PROXY_SUPERVISOR_ROLES, PROXY_WRITER_ROLES } from '../../src/proxy/proxy-roles.ts';
import { localizedText, readBackTemplates } from '../../src/proxy/read-back.ts';
import { surveyAnswerNames } from '../../src/proxy/record-subject.ts';
import { registerVisitResident } from '../../src/proxy/register-visit-resident.ts';
import type { ConfirmationRequested } from '../../src/proxy/request-proxy-confirmation.ts';
import { startProxyVisit } from '../../src/proxy/start-proxy-visit.ts';
import {
  type ProxyRecordEnv,
  previewProxyRecord,
  submitProxyRecord,
} from '../../src/proxy/submit-proxy-record.ts';
import { MAX_VISIT_EXTENSIONS } from '../../src/proxy/visit-rules.ts';
import { createQueues, enqueueOutboxMessage, type Queues } from '../../src/runtime/queues.ts';
import { csrfTokenFor } from '../http/csrf.ts';
import type { StaffEnv } from '../http/env.ts';
import { type FieldError, fieldErrorsFrom } from '../http/error-summary.tsx';
import { currentPath } from '../http/pages.tsx';
import { createStaffApp, currentStaff, hasAnyRole, requestCtx, staffRoute } from '../http/staff-auth.ts';
import { registerProxyAssets } from './proxy-assets.ts';
import { timeFormat } from './proxy-layout.tsx';
import {
  HomePage,
  ProxyMessagePage,
  ProxyRecordsPage,
  RecordPage,
  SecondVisitPage,
  SupervisionPage,
} from './proxy-pages.tsx';
import {
  type Correcting,
  type FailedForm,
  ReadBackPage,
  VisitPage,
  type VisitTemplates,
} from './proxy-visit-page.tsx';
import {
  FindResidentPage,
  RegisterResidentPage,
  StartVisitPage,
  type StartVisitValues,
} from './proxy-visit-start.tsx';

export interface ProxyAppOptions {
  /** Hands a queued confirmation to the sender queue; by default BullMQ on `deps.redis`. */
  enqueueOutbox?: (deliveryId: string, channel: OutboundChannel) => Promise<void>;
}

/**
 * Script from our own origin only (read-back, signature pad, offline queue), which talks only to
 * our own origin; signatures are drawn as inline SVG, which needs no style or image source.
 */
export const PROXY_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const MAX_FORM_BYTES = 64 * 1024;
const FORM_FIELDS = ['topic', 'choice', 'text', 'place', 'correctionNote'] as const;
const RECORD_FORM_KEYS = [
  'visitId',
  'kind',
  'formId',
  'topic',
  'choice',
  'survey',
  'question',
  'text',
  'place',
  'correctsId',
  'correctionNote',
] as const;

/** What a record says, as opposed to where the form came from (visit, kind, form id). */
const RECORD_FIELD_KEYS = RECORD_FORM_KEYS.filter(
  (k): k is Exclude<(typeof RECORD_FORM_KEYS)[number], 'visitId' | 'kind' | 'formId'> =>
    k !== 'visitId' && k !== 'kind' && k !== 'formId',
);
const VISIT_FIELDS = [
  'residentId',
  'reason',
  'reasonNote',
  'interpreterName',
  'locale',
  'consentKind',
  'consentSignature',
  'consentNote',
  'guardianName',
  'location',
] as const;

type C = Context<StaffEnv>;

function str(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** A path parameter (routes are registered by full path, so Hono cannot type them). */
function param(c: C, name: string): string {
  return c.req.param(name) ?? '';
}

/** Empty form fields are absent. */
function opt(body: Record<string, unknown>, name: string): string | undefined {
  const value = str(body, name).trim();
  return value === '' ? undefined : value;
}

const proxyHeaders: MiddlewareHandler<StaffEnv> = async (c, next) => {
  c.header('Content-Security-Policy', PROXY_CSP);
  await next();
};

/** What the person sees after submitting, by how the resident will be asked. */
function doneMessage(
  t: (k: string, p?: Record<string, unknown>) => string,
  confirmation: Pick<ConfirmationRequested, 'channel'> | undefined,
): string {
  return `${t('proxy:done.submitted')} ${t(`proxy:done.${confirmation?.channel ?? 'sms'}`)}`;
}

/** The proxy console as a Hono sub-app; mount it at '/'. */
export function createProxyApp(deps: AppDeps, options: ProxyAppOptions = {}): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  registerProxyAssets(app);
  let queues: Queues | undefined;
  const enqueue =
    options.enqueueOutbox ??
    (async (deliveryId: string, channel: OutboundChannel) => {
      queues ??= createQueues(deps.redis, deps.config.queuePrefix);
      await enqueueOutboxMessage(queues, deliveryId, channel);
    });
  const env: ProxyRecordEnv = {
    i18n: deps.i18n,
    senders: deps.senders ?? {},
    timeZone: deps.config.timeZone,
    helpPhone: deps.config.helpPhone,
  };
  // The staff route has read the form already (for its CSRF token), so the declared size decides.
  const formLimit: MiddlewareHandler<StaffEnv> = async (c, next) => {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_FORM_BYTES) return c.text('Payload Too Large', 413);
    await next();
  };

  const ctxOf = (c: C): Ctx => requestCtx(deps, c, 'proxy');
  const csrf = (c: C) => csrfTokenFor(currentStaff(c).session.csrfSecret);
  const format = (c: C) => timeFormat(c.get('locale'), deps.config.timeZone);
  const base = (c: C) => {
    const t = c.get('t');
    const { staff: me, session } = currentStaff(c);
    const nav = [{ href: '/proxy', label: t('proxy:nav.home') }];
    if (hasAnyRole(me.roles, PROXY_SUPERVISOR_ROLES))
      nav.push({ href: '/proxy/supervision', label: t('proxy:nav.supervision') });
    nav.push({ href: '/console', label: t('proxy:nav.console') });
    return {
      t,
      locale: c.get('locale'),
      currentPath: currentPath(c),
      homeHref: '/proxy',
      helpPhone: deps.config.helpPhone,
      nav,
      signedIn: { displayName: me.displayName, csrfToken: csrfTokenFor(session.csrfSecret) },
      footerText: t('proxy:footer'),
    };
  };

  const message = (
    c: C,
    status: 200 | 404 | 409,
    title: string,
    paragraphs: string[],
    links: { href: string; label: string }[] = [
      { href: '/proxy', label: c.get('t')('proxy:common.backHome') },
    ],
  ) =>
    c.html(<ProxyMessagePage base={base(c)} title={title} paragraphs={paragraphs} links={links} />, status);

  /** A refusal that is not about a form field, as a page with the way on. */
  const refusal = (c: C, error: ServiceError) => {
    const t = c.get('t');
    const status = error.code === 'not_found' ? 404 : 409;
    return message(c, status, t('proxy:common.notPossible'), [t(error.messageKey, error.params)]);
  };

  /** A button on one item (no form fields): do it and move on, or say on a page why it is not possible. */
  const itemAction = (path: string, then: string, act: (c: C) => Promise<unknown>) =>
    staffRoute(app, 'POST', path, PROXY_WRITER_ROLES, formLimit, proxyHeaders, async (c) => {
      try {
        await act(c);
        return c.redirect(then, 303);
      } catch (error) {
        if (error instanceof ServiceError && error.code !== 'forbidden') return refusal(c, error);
        throw error;
      }
    });

  const enqueueAfterCommit = async (confirmation: ConfirmationRequested | undefined) => {
    if (!confirmation?.deliveryId || confirmation.deliveryStatus !== 'queued') return;
    if (confirmation.channel === 'visit') return;
    try {
      await enqueue(confirmation.deliveryId, confirmation.channel);
    } catch (error) {
      // The outbox sweep puts it on the queue later; the record itself is safe.
      deps.log.warn(
        { err: error, deliveryId: confirmation.deliveryId },
        'could not enqueue a proxy confirmation now',
      );
    }
  };

  // ------------------------------------------------------------------ home

  staffRoute(app, 'GET', '/proxy', PROXY_HOME_ROLES, proxyHeaders, async (c) => {
    const ctx = ctxOf(c);
    const t = c.get('t');
    const { staff: me } = currentStaff(c);
    const isWriter = hasAnyRole(me.roles, PROXY_WRITER_ROLES);
    const isSupervisor = hasAnyRole(me.roles, PROXY_SUPERVISOR_ROLES);
    const current = isWriter ? await getCurrentProxyVisit(ctx) : undefined;
    const visitList = isWriter ? await listVisitList(ctx) : undefined;
    const records = isWriter ? await listMyProxyRecords(ctx, { limit: 20 }) : [];
    const openAlerts = isSupervisor ? (await getProxySupervision(ctx)).alerts.length : undefined;
    const notice =
      c.req.query('ended') === '1'
        ? t('proxy:home.visitEnded')
        : c.req.query('done') === '1'
          ? t('proxy:home.itemDone')
          : undefined;
    return c.html(
      <HomePage
        base={base(c)}
        csrfToken={csrf(c)}
        isWriter={isWriter}
        isSupervisor={isSupervisor}
        current={current}
        visitList={visitList}
        records={records}
        openAlerts={openAlerts}
        format={format(c)}
        notice={notice}
      />,
    );
  });

  // ------------------------------------------------------------------ starting a visit

  staffRoute(app, 'GET', '/proxy/residents', PROXY_WRITER_ROLES, proxyHeaders, (c) =>
    c.html(
      <FindResidentPage
        base={base(c)}
        csrfToken={csrf(c)}
        phone=""
        name=""
        searched={false}
        results={[]}
        errors={[]}
      />,
    ),
  );

  /** A search by phone is posted, so that the number stays out of addresses, history and logs. */
  staffRoute(app, 'POST', '/proxy/residents', PROXY_WRITER_ROLES, formLimit, proxyHeaders, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const phone = str(body, 'phone').trim();
    const name = str(body, 'name').trim();
    let results: Awaited<ReturnType<typeof findVisitResidents>> = [];
    let errors: FieldError[] = [];
    try {
      results = await findVisitResidents(ctxOf(c), {
        ...(phone ? { phone } : {}),
        ...(name ? { name } : {}),
      });
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code !== 'validation_failed') throw error;
      errors = fieldErrorsFrom(error, t, ['phone', 'name'], 'phone');
    }
    return c.html(
      <FindResidentPage
        base={base(c)}
        csrfToken={csrf(c)}
        phone={phone}
        name={name}
        searched={errors.length === 0}
        results={results}
        errors={errors}
      />,
      errors.length ? 400 : 200,
    );
  });

  const residentCommunities = async (c: C) => {
    const { staff: me } = currentStaff(c);
    const all = await listCommunities(ctxOf(c));
    return me.communityIds.length ? all.filter((x) => me.communityIds.includes(x.id)) : all;
  };

  staffRoute(app, 'GET', '/proxy/residents/new', PROXY_WRITER_ROLES, proxyHeaders, async (c) =>
    c.html(
      <RegisterResidentPage
        base={base(c)}
        csrfToken={csrf(c)}
        communities={await residentCommunities(c)}
        values={{}}
        errors={[]}
      />,
    ),
  );

  staffRoute(app, 'POST', '/proxy/residents/new', PROXY_WRITER_ROLES, formLimit, proxyHeaders, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const values = {
      name: str(body, 'name'),
      phone: str(body, 'phone'),
      communityId: str(body, 'communityId'),
      locale: str(body, 'locale'),
    };
    try {
      const { id } = await registerVisitResident(ctxOf(c), {
        name: values.name,
        ...(opt(body, 'phone') ? { phone: values.phone } : {}),
        communityId: values.communityId,
        locale: values.locale as Locale,
      });
      return c.redirect(`/proxy/visits/new?resident=${id}`, 303);
    } catch (error) {
      if (
        !(error instanceof ServiceError) ||
        (error.code !== 'validation_failed' && error.code !== 'conflict')
      )
        throw error;
      const known = error.code === 'conflict' ? String(error.params.residentId ?? '') : '';
      return c.html(
        <RegisterResidentPage
          base={base(c)}
          csrfToken={csrf(c)}
          communities={await residentCommunities(c)}
          values={values}
          errors={fieldErrorsFrom(error, t, ['name', 'phone', 'communityId', 'locale'], 'name')}
          knownResidentId={known || undefined}
        />,
        400,
      );
    }
  });

  const loadResident = async (c: C, residentId: string) => {
    try {
      return await getVisitResident(ctxOf(c), { residentId });
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'not_found') return undefined;
      throw error;
    }
  };

  const renderStart = async (
    c: C,
    residentId: string,
    values: StartVisitValues,
    errors: FieldError[],
    status: 200 | 400,
  ) => {
    const resident = await loadResident(c, residentId);
    if (!resident)
      return message(c, 404, c.get('t')('proxy:common.notPossible'), [
        c.get('t')('proxy:errors.residentNotFound'),
      ]);
    return c.html(
      <StartVisitPage
        base={base(c)}
        csrfToken={csrf(c)}
        resident={resident}
        values={values}
        errors={errors}
      />,
      status,
    );
  };

  staffRoute(app, 'GET', '/proxy/visits/new', PROXY_WRITER_ROLES, proxyHeaders, async (c) => {
    const current = await getCurrentProxyVisit(ctxOf(c));
    if (current?.state === 'open') {
      const t = c.get('t');
      return message(
        c,
        409,
        t('proxy:start.busyTitle'),
        [t('proxy:errors.visitInProgress')],
        [
          { href: '/proxy/visit', label: t('proxy:home.continueVisit') },
          { href: '/proxy', label: t('proxy:common.backHome') },
        ],
      );
    }
    return renderStart(c, c.req.query('resident') ?? '', {}, [], 200);
  });

  staffRoute(app, 'POST', '/proxy/visits', PROXY_WRITER_ROLES, formLimit, proxyHeaders, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const values = Object.fromEntries(VISIT_FIELDS.map((f) => [f, str(body, f)])) as Record<
      (typeof VISIT_FIELDS)[number],
      string
    >;
    try {
      await startProxyVisit(ctxOf(c), {
        residentId: values.residentId,
        reason: values.reason as never,
        locale: values.locale as Locale,
        consentKind: values.consentKind as never,
        ...Object.fromEntries(
          (
            [
              'reasonNote',
              'interpreterName',
              'consentSignature',
              'consentNote',
              'guardianName',
              'location',
            ] as const
          )
            .filter((f) => values[f].trim() !== '')
            .map((f) => [f, values[f]]),
        ),
      });
      return c.redirect('/proxy/visit', 303);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.code === 'validation_failed') {
        return renderStart(
          c,
          values.residentId,
          values,
          fieldErrorsFrom(error, t, VISIT_FIELDS, 'reason'),
          400,
        );
      }
      if (error.code === 'conflict') {
        return message(
          c,
          409,
          t('proxy:start.busyTitle'),
          [t(error.messageKey, error.params)],
          [
            { href: '/proxy/visit', label: t('proxy:home.continueVisit') },
            { href: '/proxy', label: t('proxy:common.backHome') },
          ],
        );
      }
      if (error.code === 'not_found') return refusal(c, error);
      throw error;
    }
  });

  itemAction('/proxy/visits/:visitId/extend', '/proxy/visit', (c) =>
    extendProxyVisit(ctxOf(c), { visitId: param(c, 'visitId') }),
  );

  itemAction('/proxy/visits/:visitId/end', '/proxy?ended=1', (c) =>
    endProxyVisit(ctxOf(c), { visitId: param(c, 'visitId') }),
  );

  // ------------------------------------------------------------------ the visit

  const visitTemplates = async (ctx: Ctx, view: ProxyVisitView, correction: boolean) => {
    const choices = await listVisitChoices(ctx);
    const locale = view.visit.locale;
    const t = deps.i18n.forLocale(locale);
    const forTopic =
      (kind: 'opinion' | 'vote') => (topic: { code: string; title: Parameters<typeof localizedText>[0] }) =>
        [
          topic.code,
          readBackTemplates(
            t,
            { kind, topicCode: topic.code, topicTitle: localizedText(topic.title, locale) },
            { correction },
          ),
        ] as const;
    const templates: VisitTemplates = {
      opinion: Object.fromEntries(choices.opinionTopics.map(forTopic('opinion'))),
      vote: Object.fromEntries(choices.voteTopics.map(forTopic('vote'))),
      need: readBackTemplates(t, { kind: 'need' }, { correction }),
      survey: Object.fromEntries(
        choices.surveys.flatMap((s) =>
          s.questions.map((q) => [
            q.id,
            readBackTemplates(
              t,
              {
                kind: 'survey_answer',
                surveyCode: s.code,
                question: localizedText(q.prompt, locale),
                questionKind: q.kind,
                answers: surveyAnswerNames(t, q.kind),
              },
              { correction },
            ),
          ]),
        ),
      ),
    };
    return { choices, templates };
  };

  const correctionOf = async (
    ctx: Ctx,
    view: ProxyVisitView,
    recordId: string | undefined,
  ): Promise<Correcting | undefined> => {
    if (!recordId) return undefined;
    try {
      const detail = await getProxyRecord(ctx, { recordId });
      if (detail.record.residentId !== view.resident.id) return undefined;
      if (detail.versions.some((v) => v.supersedesId === detail.record.id)) return undefined;
      const r = detail.record;
      return {
        recordId: r.id,
        kind: r.kind,
        readBackText: r.readBackText,
        questionId: r.questionId,
        values: {
          ...(detail.item.topicCode ? { topic: detail.item.topicCode } : {}),
          ...(r.choice ? { choice: r.choice } : {}),
          ...(r.text ? { text: r.text } : {}),
          ...(r.place ? { place: r.place } : {}),
        },
      };
    } catch (error) {
      if (error instanceof ServiceError) return undefined;
      throw error;
    }
  };

  const renderVisit = async (
    c: C,
    extra: { failed?: FailedForm; done?: string; correcting?: string | undefined },
    status: 200 | 400 = 200,
  ) => {
    const ctx = ctxOf(c);
    const t = c.get('t');
    const view = await getCurrentProxyVisit(ctx);
    if (!view) return c.redirect('/proxy', 302);
    if (view.state !== 'open') {
      return message(
        c,
        409,
        t('proxy:visit.expiredTitle'),
        [t('proxy:errors.visitNotOpen')],
        [{ href: '/proxy', label: t('proxy:common.backHome') }],
      );
    }
    const correcting = await correctionOf(ctx, view, extra.correcting);
    const { choices, templates } = await visitTemplates(ctx, view, correcting !== undefined);
    const records = await listMyProxyRecords(ctx, { visitId: view.visit.id, limit: 200 });
    const f = format(c);
    return c.html(
      <VisitPage
        base={base(c)}
        csrfToken={csrf(c)}
        view={view}
        times={{ started: f.time(view.visit.startedAt), expires: f.time(view.visit.expiresAt) }}
        choices={choices}
        templates={templates}
        records={records}
        failed={extra.failed}
        done={extra.done}
        correcting={correcting}
        canExtend={view.visit.extensions < MAX_VISIT_EXTENSIONS}
      />,
      status,
    );
  };

  staffRoute(app, 'GET', '/proxy/visit', PROXY_WRITER_ROLES, proxyHeaders, async (c) => {
    const t = c.get('t');
    const doneId = c.req.query('done');
    let done: string | undefined;
    if (doneId) {
      try {
        const detail = await getProxyRecord(ctxOf(c), { recordId: doneId });
        done = doneMessage(t, detail.confirmation ?? undefined);
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
      }
    }
    return renderVisit(c, { ...(done ? { done } : {}), correcting: c.req.query('correct') });
  });

  const recordInput = (body: Record<string, unknown>) => ({
    visitId: str(body, 'visitId'),
    kind: str(body, 'kind') as never,
    ...Object.fromEntries(
      (['topic', 'choice', 'survey', 'question', 'text', 'place', 'correctsId', 'correctionNote'] as const)
        .map((k) => [k, opt(body, k)])
        .filter(([, v]) => v !== undefined),
    ),
  });

  /** A record form sent without script: problems go back to the visit page, else the read-back. */
  staffRoute(
    app,
    'POST',
    '/proxy/visit/read-back',
    PROXY_WRITER_ROLES,
    formLimit,
    proxyHeaders,
    async (c) => {
      const t = c.get('t');
      const body = await c.req.parseBody();
      const formId = str(body, 'formId') || 'need';
      const fields = Object.fromEntries(
        RECORD_FORM_KEYS.map((k) => [k, str(body, k)]).filter(([, v]) => v !== ''),
      );
      try {
        const preview = await previewProxyRecord(ctxOf(c), recordInput(body), env);
        const view = await getCurrentProxyVisit(ctxOf(c));
        return c.html(
          <ReadBackPage
            base={base(c)}
            csrfToken={csrf(c)}
            residentName={view?.resident.name ?? ''}
            locale={preview.locale}
            readBackText={preview.readBackText}
            clientId={randomUUID()}
            fields={fields}
            errors={[]}
          />,
        );
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        if (error.code !== 'validation_failed') return refusal(c, error);
        const errors = fieldErrorsFrom(error, t, FORM_FIELDS, 'text').map((e) => ({
          ...e,
          field: `${formId}-${e.field}`,
        }));
        return renderVisit(
          c,
          { failed: { formId, values: fields, errors }, correcting: opt(body, 'correctsId') },
          400,
        );
      }
    },
  );

  /** The read-back page's form: confirmed and submitted, then back to the visit (post/redirect/get). */
  staffRoute(app, 'POST', '/proxy/visit/records', PROXY_WRITER_ROLES, formLimit, proxyHeaders, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const fields = Object.fromEntries(
      RECORD_FORM_KEYS.map((k) => [k, str(body, k)]).filter(([, v]) => v !== ''),
    );
    const clientId = str(body, 'clientId');
    const readBackText = str(body, 'readBackText');
    try {
      const result = await submitProxyRecord(
        ctxOf(c),
        {
          ...recordInput(body),
          clientId,
          readBackText,
          readBackConfirmed: str(body, 'readBackConfirmed') === 'yes',
        },
        env,
      );
      await enqueueAfterCommit(result.confirmation);
      return c.redirect(`/proxy/visit?done=${result.record.id}`, 303);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.code !== 'validation_failed') return refusal(c, error);
      const view = await getCurrentProxyVisit(ctxOf(c));
      return c.html(
        <ReadBackPage
          base={base(c)}
          csrfToken={csrf(c)}
          residentName={view?.resident.name ?? ''}
          locale={view?.visit.locale ?? c.get('locale')}
          readBackText={readBackText}
          clientId={/^[0-9a-f-]{36}$/i.test(clientId) ? clientId : randomUUID()}
          fields={fields}
          errors={fieldErrorsFrom(error, t, ['readBackConfirmed'], 'readBackConfirmed')}
        />,
        400,
      );
    }
  });

  /** The offline queue's endpoint: JSON in, JSON out; the device's id makes a repeat harmless. */
  staffRoute(app, 'POST', '/proxy/api/records', PROXY_WRITER_ROLES, formLimit, async (c) => {
    const t = c.get('t');
    let payload: Record<string, unknown>;
    try {
      const parsed: unknown = await c.req.json();
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      payload = parsed as Record<string, unknown>;
    } catch {
      throw new ServiceError('validation_failed', 'proxy:errors.validation');
    }
    const pick = (k: string) =>
      typeof payload[k] === 'string' && (payload[k] as string).trim() !== ''
        ? (payload[k] as string)
        : undefined;
    const result = await submitProxyRecord(
      ctxOf(c),
      {
        clientId: pick('id') ?? '',
        visitId: pick('visitId') ?? '',
        kind: (pick('kind') ?? '') as never,
        readBackText: typeof payload.readBackText === 'string' ? payload.readBackText : '',
        readBackConfirmed: payload.readBackConfirmed === true,
        ...Object.fromEntries(
          [...RECORD_FIELD_KEYS, 'location' as const]
            .map((k) => [k, pick(k)])
            .filter(([, v]) => v !== undefined),
        ),
        ...(pick('readBackAt') ? { readBackAt: pick('readBackAt') } : {}),
        ...(pick('at') ? { recordedAt: pick('at') } : {}),
      },
      env,
    );
    await enqueueAfterCommit(result.confirmation);
    return c.json(
      {
        recordId: result.record.id,
        duplicate: result.duplicate,
        message: doneMessage(t, result.confirmation),
        confirmation: result.confirmation
          ? { status: result.confirmation.status, channel: result.confirmation.channel }
          : null,
      },
      result.duplicate ? 200 : 201,
    );
  });

  // ------------------------------------------------------------------ records

  staffRoute(app, 'GET', '/proxy/records/:recordId', PROXY_HOME_ROLES, proxyHeaders, async (c) => {
    const ctx = ctxOf(c);
    const t = c.get('t');
    let detail: Awaited<ReturnType<typeof getProxyRecord>>;
    try {
      detail = await getProxyRecord(ctx, { recordId: param(c, 'recordId') });
    } catch (error) {
      if (
        error instanceof ServiceError &&
        (error.code === 'not_found' || error.code === 'validation_failed')
      ) {
        return message(c, 404, t('proxy:common.notPossible'), [t('proxy:errors.recordNotFound')]);
      }
      throw error;
    }
    const { staff: me } = currentStaff(c);
    let correctHref: string | undefined;
    if (hasAnyRole(me.roles, PROXY_WRITER_ROLES)) {
      const view = await getCurrentProxyVisit(ctx);
      const latest = !detail.versions.some((v) => v.supersedesId === detail.record.id);
      if (view?.state === 'open' && view.resident.id === detail.record.residentId && latest) {
        correctHref = `/proxy/visit?correct=${detail.record.id}`;
      }
    }
    return c.html(
      <RecordPage
        base={base(c)}
        detail={detail}
        residentName={detail.item.residentName ?? t('proxy:common.unnamed')}
        proxyName={detail.item.proxyName}
        format={format(c)}
        correctHref={correctHref}
      />,
    );
  });

  // ------------------------------------------------------------------ second visits and the list

  const renderSecond = async (c: C, residentId: string) => {
    const t = c.get('t');
    const resident = await loadResident(c, residentId);
    if (!resident)
      return message(c, 404, t('proxy:common.notPossible'), [t('proxy:errors.residentNotFound')]);
    const records = await listSecondVisitRecords(ctxOf(c), { residentId: resident.id });
    return c.html(
      <SecondVisitPage
        base={base(c)}
        csrfToken={csrf(c)}
        residentName={resident.name ?? t('proxy:common.unnamed')}
        records={records}
        format={format(c)}
        lang={resident.preferredLocale ?? c.get('locale')}
      />,
    );
  };

  staffRoute(app, 'GET', '/proxy/second-visits/:residentId', PROXY_WRITER_ROLES, proxyHeaders, (c) =>
    renderSecond(c, param(c, 'residentId')),
  );

  staffRoute(
    app,
    'POST',
    '/proxy/second-visits/:residentId/answer',
    PROXY_WRITER_ROLES,
    formLimit,
    proxyHeaders,
    async (c) => {
      const t = c.get('t');
      const body = await c.req.parseBody();
      const answer = str(body, 'answer');
      const recordId = str(body, 'recordId');
      if ((answer !== 'confirmed' && answer !== 'disputed') || !/^[0-9a-f-]{36}$/i.test(recordId)) {
        return message(c, 404, t('proxy:common.notPossible'), [t('proxy:errors.recordNotFound')]);
      }
      try {
        await answerProxyConfirmation(ctxOf(c), { proxyRecordId: recordId, answer, via: 'visit' });
      } catch (error) {
        if (error instanceof ServiceError && error.code !== 'validation_failed') {
          return message(c, error.code === 'not_found' ? 404 : 409, t('proxy:common.notPossible'), [
            t(error.messageKey, error.params),
          ]);
        }
        throw error;
      }
      return c.redirect(`/proxy/second-visits/${param(c, 'residentId')}`, 303);
    },
  );

  itemAction('/proxy/visit-list/:itemId/done', '/proxy?done=1', (c) =>
    closeVisitListItem(ctxOf(c), { itemId: param(c, 'itemId') }),
  );

  itemAction('/proxy/deliveries/:deliveryId/read', '/proxy?done=1', (c) =>
    markDeliveryVisited(ctxOf(c), { deliveryId: param(c, 'deliveryId') }),
  );

  // ------------------------------------------------------------------ supervision

  const renderSupervision = async (
    c: C,
    extra: { failedAlert?: { alertId: string; note: string; errors: FieldError[] }; notice?: string } = {},
    status: 200 | 400 = 200,
  ) => {
    const data = await getProxySupervision(ctxOf(c), { days: c.req.query('days') ?? 30 });
    return c.html(
      <SupervisionPage base={base(c)} csrfToken={csrf(c)} data={data} format={format(c)} {...extra} />,
      status,
    );
  };

  staffRoute(app, 'GET', '/proxy/supervision', PROXY_SUPERVISOR_ROLES, proxyHeaders, (c) =>
    renderSupervision(
      c,
      c.req.query('acknowledged') === '1' ? { notice: c.get('t')('proxy:supervision.acknowledged') } : {},
    ),
  );

  staffRoute(
    app,
    'GET',
    '/proxy/supervision/proxies/:staffId',
    PROXY_SUPERVISOR_ROLES,
    proxyHeaders,
    async (c) => {
      const t = c.get('t');
      try {
        const { proxyName, records } = await listRecordsOfProxy(ctxOf(c), {
          proxyStaffId: param(c, 'staffId'),
        });
        return c.html(<ProxyRecordsPage base={base(c)} proxyName={proxyName} records={records} />);
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'not_found') {
          return message(c, 404, t('proxy:common.notPossible'), [t('proxy:errors.proxyNotFound')]);
        }
        throw error;
      }
    },
  );

  staffRoute(
    app,
    'POST',
    '/proxy/supervision/alerts/:alertId/acknowledge',
    PROXY_SUPERVISOR_ROLES,
    formLimit,
    proxyHeaders,
    async (c) => {
      const t = c.get('t');
      const body = await c.req.parseBody();
      const alertId = param(c, 'alertId');
      const note = str(body, 'note');
      try {
        await acknowledgeProxyAlert(ctxOf(c), { alertId, note });
        return c.redirect('/proxy/supervision?acknowledged=1', 303);
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        if (error.code === 'validation_failed' && error.fields.some((f) => f.field === 'note')) {
          const errors = fieldErrorsFrom(error, t, ['note'], 'note').map((e) => ({
            ...e,
            field: `alert-${alertId}-${e.field}`,
          }));
          return renderSupervision(c, { failedAlert: { alertId, note, errors } }, 400);
        }
        if (error.code === 'not_found' || error.code === 'validation_failed') {
          return message(c, 404, t('proxy:common.notPossible'), [t('proxy:errors.alertNotFound')]);
        }
        throw error;
      }
    },
  );

  return app;
}
