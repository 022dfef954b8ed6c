/**
 * The community kiosk (移动议事站): touch screens in supermarkets and plazas. Every route but the
 * activation form and the static assets requires a registered, active device; residents stay
 * anonymous. The screens are plain HTML forms; the script adds read-aloud, the idle reset and an
 * offline queue that posts to the JSON endpoint here.
 */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import type { Stance } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import { activateKioskDevice } from '../../src/kiosk/activate-kiosk-device.ts';
import { authenticateKioskDevice } from '../../src/kiosk/authenticate-kiosk-device.ts';
import { type KioskDevice, normaliseKioskToken } from '../../src/kiosk/kiosk-device.ts';
import { OPEN_FOR_OPINIONS } from '../../src/pipeline/ingest.ts';
import { consumeRateLimit } from '../../src/ratelimit/consume-rate-limit.ts';
import { findTopicByCode } from '../../src/topics/find-topic-by-code.ts';
import { listTopics } from '../../src/topics/list-topics.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import {
  clearAnonymousCsrf,
  hasValidAnonymousCsrf,
  issueAnonymousCsrf,
  isUnsafeMethod,
} from '../http/csrf.ts';
import { registerKioskAssets } from './kiosk-assets.ts';
import {
  deviceTokenFrom,
  hasValidKioskCsrf,
  kioskCsrfToken,
  kioskCtx,
  setDeviceCookie,
} from './kiosk-auth.ts';
import { createKioskConsole } from './kiosk-console.tsx';
import type { KioskView } from './kiosk-layout.tsx';
import {
  ActivatePage,
  type KioskFormError,
  KioskMessagePage,
  NeedPage,
  OpinionPage,
  StartPage,
  ThanksPage,
  type TopicCard,
  TopicsPage,
} from './kiosk-pages.tsx';
import { type KioskState, kioskHref, stateFrom } from './kiosk-state.ts';
import {
  checkSubmission,
  type KioskFieldError,
  type KioskSubmission,
  queuedSubmissionSchema,
  receivedAt,
  submitToPipeline,
} from './kiosk-submissions.ts';

export interface KioskOptions {
  /** Seconds without a touch before the screen asks "still there?" (default 90). */
  idleSeconds?: number;
  /** Seconds the question waits for an answer before the reset; never below 20 (default 30). */
  countdownSeconds?: number;
  /** Submissions one device may make per minute (default 30); a queue flushed later waits its turn. */
  submissionsPerMinute?: number;
}

export type KioskEnv = {
  Variables: {
    requestId: string;
    state: KioskState;
    t: Translate;
    device: KioskDevice;
    deviceToken: string;
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Headers for every kiosk response. Script only from our own origin and no inline script or style;
 * speech synthesis and the input method need no permission, so camera, microphone and location are
 * all refused.
 */
export function setKioskSecurityHeaders(c: Context, cookieSecure: boolean): void {
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  c.header('Cache-Control', 'no-store');
  if (cookieSecure) c.header('Strict-Transport-Security', 'max-age=31536000');
}

function isPublicKioskPath(path: string): boolean {
  return path.startsWith('/kiosk/assets/') || path === '/kiosk/sw.js' || path === '/kiosk/activate';
}

function wantsJson(c: Context): boolean {
  return (
    c.req.path.startsWith('/kiosk/api/') || !(c.req.header('accept') ?? 'text/html').includes('text/html')
  );
}

function formString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

function toCard(topic: Topic): TopicCard {
  return {
    code: topic.code,
    title: topic.title,
    summary: topic.summary,
    status: topic.status,
    publicationEndsOn: topic.publicationEndsOn,
  };
}

/** The kiosk screens, their JSON endpoint and the staff pages that manage devices; mount at '/'. */
export function createKioskApp(deps: AppDeps, options: KioskOptions = {}): Hono<KioskEnv> {
  const idleSeconds = Math.max(10, Math.round(options.idleSeconds ?? 90));
  const countdownSeconds = Math.max(20, Math.round(options.countdownSeconds ?? 30));
  const submissionsPerMinute = options.submissionsPerMinute ?? 30;
  const defaultLocale = deps.config.defaultLocale;

  const app = new Hono<KioskEnv>();
  app.use('/kiosk', compress());
  app.use('/kiosk/*', compress());
  registerKioskAssets(app);

  const localeFor = (c: Context<KioskEnv>) => {
    const state = stateFrom(c, defaultLocale);
    c.set('state', state);
    c.set('t', deps.i18n.forLocale(state.lang));
    return state;
  };

  const renderActivation = (
    c: Context<KioskEnv>,
    status: 200 | 401,
    options: { unregistered: boolean; deviceId: string; error?: string },
  ) =>
    c.html(
      <ActivatePage
        t={c.get('t')}
        locale={c.get('state').lang}
        csrfToken={issueAnonymousCsrf(c, deps.config)}
        {...options}
      />,
      status,
    );

  /** The refusal for a screen without a valid device: JSON for the script, the activation form for people. */
  const refuseDevice = (c: Context<KioskEnv>, key: string) => {
    const t = c.get('t');
    if (wantsJson(c)) {
      return c.json(
        { error: { code: 'unauthenticated', message: t(key), requestId: c.get('requestId') } },
        401,
      );
    }
    return renderActivation(c, 401, { unregistered: true, deviceId: c.req.query('device') ?? '' });
  };

  const requireDevice: MiddlewareHandler<KioskEnv> = async (c, next) => {
    if (isPublicKioskPath(c.req.path)) return next();
    setKioskSecurityHeaders(c, deps.config.cookieSecure);
    localeFor(c);
    const token = deviceTokenFrom(c, deps.config);
    const claimed = c.req.query('device');
    if (!token) return refuseDevice(c, 'kiosk:errors.unknownDevice');
    let device: KioskDevice;
    try {
      device = await authenticateKioskDevice(kioskCtx(deps, c.get('requestId')), {
        token,
        ...(claimed ? { deviceId: claimed } : {}),
      });
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'unauthenticated') {
        return refuseDevice(c, error.messageKey);
      }
      throw error;
    }
    c.set('device', device);
    c.set('deviceToken', token);
    if (isUnsafeMethod(c.req.method) && !(await hasValidKioskCsrf(c, token))) {
      const t = c.get('t');
      if (wantsJson(c)) {
        return c.json(
          { error: { code: 'forbidden', message: t('kiosk:errors.csrf'), requestId: c.get('requestId') } },
          403,
        );
      }
      return c.html(
        <KioskMessagePage view={viewOf(c)} title={t('kiosk:errors.csrf')} body={t('kiosk:errors.csrf')} />,
        403,
      );
    }
    // A screen opened as /kiosk?device=<id> that is already this device: drop the id from the address.
    if (claimed && c.req.method === 'GET') {
      const url = new URL(c.req.url);
      url.searchParams.delete('device');
      return c.redirect(`${url.pathname}${url.search}`, 302);
    }
    await next();
  };

  const viewOf = (c: Context<KioskEnv>): KioskView => ({
    t: c.get('t'),
    state: c.get('state'),
    defaultLocale,
    device: c.get('device'),
    csrfToken: kioskCsrfToken(c.get('deviceToken')),
    helpPhone: deps.config.helpPhone,
    idleSeconds,
    countdownSeconds,
  });

  const ctxOf = (c: Context<KioskEnv>) => kioskCtx(deps, c.get('requestId'));

  /** Topics a device shows: open ones of its own community and of no community in particular. */
  const visibleTo = (device: KioskDevice, topic: Topic) =>
    !device.communityId || !topic.communityId || topic.communityId === device.communityId;

  const notFound = (c: Context<KioskEnv>) => {
    const t = c.get('t');
    return c.html(
      <KioskMessagePage
        view={viewOf(c)}
        title={t('kiosk:errors.notFound')}
        body={t('kiosk:errors.topicNotFound')}
      />,
      404,
    );
  };

  /**
   * Counts a submission against the device's limit. A busy kiosk never reaches it; a script hammering
   * submit does, and its queue simply waits.
   */
  const withinLimit = async (c: Context<KioskEnv>) => {
    const decision = await consumeRateLimit(
      ctxOf(c),
      { bucket: 'kiosk:submit', subject: c.get('device').id, limit: submissionsPerMinute, windowSeconds: 60 },
      deps.redis,
    );
    if (!decision.allowed) c.header('Retry-After', String(decision.retryAfterSeconds));
    return decision.allowed;
  };

  const tooMany = (c: Context<KioskEnv>) => {
    const t = c.get('t');
    return c.html(
      <KioskMessagePage
        view={viewOf(c)}
        title={t('kiosk:errors.rateLimited')}
        body={t('kiosk:errors.rateLimited')}
      />,
      429,
    );
  };

  const formErrors = (t: Translate, errors: KioskFieldError[]): KioskFormError[] =>
    errors.map((e) => ({ field: e.field, message: t(e.key, e.params) }));

  /** Records a form post (no script) and answers with the confirmation screen. */
  const recordForm = async (
    c: Context<KioskEnv>,
    receipt: string,
    submission: KioskSubmission,
    anotherPath: string,
  ) => {
    if (!(await withinLimit(c))) return tooMany(c);
    const state = c.get('state');
    const result = await submitToPipeline(deps, ctxOf(c), {
      externalId: receipt,
      submission,
      communityId: c.get('device').communityId,
      language: state.lang,
      at: deps.clock.now(),
    });
    const view = viewOf(c);
    const text =
      submission.kind === 'opinion'
        ? submission.text
        : [submission.what, submission.where].filter(Boolean).join('\n');
    return c.html(
      <ThanksPage
        view={view}
        message={result.message}
        text={text}
        anotherHref={kioskHref(anotherPath, state, defaultLocale)}
      />,
    );
  };

  // ---------------------------------------------------------------- activation (no device yet)

  app.get('/kiosk/activate', (c) => {
    setKioskSecurityHeaders(c, deps.config.cookieSecure);
    localeFor(c);
    return renderActivation(c, 200, { unregistered: false, deviceId: c.req.query('device') ?? '' });
  });

  app.post('/kiosk/activate', async (c) => {
    setKioskSecurityHeaders(c, deps.config.cookieSecure);
    const t = deps.i18n.forLocale(localeFor(c).lang);
    if (!(await hasValidAnonymousCsrf(c, deps.config))) {
      return renderActivation(c, 401, { unregistered: false, deviceId: '', error: t('kiosk:errors.csrf') });
    }
    const body = await c.req.parseBody();
    const deviceId = formString(body, 'device').trim();
    const token = normaliseKioskToken(formString(body, 'token'));
    try {
      await activateKioskDevice(
        { ...kioskCtx(deps, c.get('requestId')), actor: { type: 'system', job: 'kiosk-activation' } },
        { token, deviceId },
      );
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'unauthenticated') {
        return renderActivation(c, 401, { unregistered: false, deviceId, error: t('kiosk:activate.wrong') });
      }
      throw error;
    }
    setDeviceCookie(c, deps.config, token);
    clearAnonymousCsrf(c, deps.config);
    return c.redirect('/kiosk', 303);
  });

  // ---------------------------------------------------------------- screens (registered device)

  app.use('/kiosk', requireDevice);
  app.use('/kiosk/*', requireDevice);

  app.get('/kiosk', (c) => c.html(<StartPage view={viewOf(c)} />));

  app.get('/kiosk/topics', async (c) => {
    const device = c.get('device');
    const open = await listTopics(ctxOf(c), { statuses: [...OPEN_FOR_OPINIONS], limit: 100 });
    const topics = open.filter((topic) => visibleTo(device, topic)).map(toCard);
    return c.html(<TopicsPage view={viewOf(c)} topics={topics} />);
  });

  app.get('/kiosk/topics/:code', async (c) => {
    const topic = await findTopicByCode(deps.database.db, c.req.param('code'));
    if (!topic) return notFound(c);
    return c.html(
      <OpinionPage
        view={viewOf(c)}
        topic={toCard(topic)}
        open={OPEN_FOR_OPINIONS.includes(topic.status)}
        receipt={randomUUID()}
      />,
    );
  });

  app.post('/kiosk/topics/:code', async (c) => {
    const topic = await findTopicByCode(deps.database.db, c.req.param('code'));
    if (!topic) return notFound(c);
    const body = await c.req.parseBody();
    const receipt = formString(body, 'receipt');
    const text = formString(body, 'text');
    const checked = checkSubmission({
      kind: 'opinion',
      topic: topic.code,
      stance: formString(body, 'stance'),
      text,
    });
    const validReceipt = UUID.test(receipt) ? receipt : randomUUID();
    if (!checked.ok || !UUID.test(receipt)) {
      const t = c.get('t');
      const stance = formString(body, 'stance') as Stance;
      return c.html(
        <OpinionPage
          view={viewOf(c)}
          topic={toCard(topic)}
          open={OPEN_FOR_OPINIONS.includes(topic.status)}
          receipt={validReceipt}
          errors={checked.ok ? [] : formErrors(t, checked.errors)}
          values={{ stance, text }}
        />,
        400,
      );
    }
    return recordForm(c, receipt, checked.submission, '/kiosk/topics');
  });

  app.get('/kiosk/need', (c) => c.html(<NeedPage view={viewOf(c)} receipt={randomUUID()} />));

  app.post('/kiosk/need', async (c) => {
    const body = await c.req.parseBody();
    const receipt = formString(body, 'receipt');
    const text = formString(body, 'text');
    const where = formString(body, 'where');
    const checked = checkSubmission({ kind: 'need', text, where });
    if (!checked.ok || !UUID.test(receipt)) {
      return c.html(
        <NeedPage
          view={viewOf(c)}
          receipt={UUID.test(receipt) ? receipt : randomUUID()}
          errors={checked.ok ? [] : formErrors(c.get('t'), checked.errors)}
          values={{ text, where }}
        />,
        400,
      );
    }
    return recordForm(c, receipt, checked.submission, '/kiosk');
  });

  /** The offline queue's endpoint: one submission per request, idempotent by its device-made id. */
  app.post('/kiosk/api/intakes', async (c) => {
    const t = c.get('t');
    const requestId = c.get('requestId');
    const invalid = (fields: { field: string; message: string }[] = []) =>
      c.json(
        { error: { code: 'validation_failed', message: t('kiosk:errors.validation'), requestId, fields } },
        400,
      );
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return invalid();
    const raw: unknown = await c.req.json().catch(() => undefined);
    const parsed = queuedSubmissionSchema.safeParse(raw);
    if (!parsed.success) {
      return invalid(
        parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: t('kiosk:errors.invalid') })),
      );
    }
    const item = parsed.data;
    const itemT = deps.i18n.forLocale(item.lang);
    const checked = checkSubmission({
      kind: item.kind,
      topic: item.topic,
      stance: item.stance,
      text: item.text,
      where: item.where,
    });
    if (!checked.ok) {
      return invalid(checked.errors.map((e) => ({ field: e.field, message: itemT(e.key, e.params) })));
    }
    if (!(await withinLimit(c))) {
      return c.json(
        { error: { code: 'rate_limited', message: itemT('kiosk:errors.rateLimited'), requestId } },
        429,
      );
    }
    const result = await submitToPipeline(deps, ctxOf(c), {
      externalId: item.id,
      submission: checked.submission,
      communityId: c.get('device').communityId,
      language: item.lang,
      at: receivedAt(deps.clock.now(), item.at),
    });
    return c.json({
      receipt: item.id,
      duplicate: result.duplicate,
      kind: result.outcome.kind,
      message: result.message,
    });
  });

  app.all('/kiosk/*', (c) => notFound(c));

  app.route('/', createKioskConsole(deps));
  return app;
}
