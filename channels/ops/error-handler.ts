import type { Context, ErrorHandler } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../src/app.ts';
import type { AppDeps } from '../../src/app-deps.ts';
import { type ErrorCode, HTTP_STATUS, ServiceError } from '../../src/core/errors.ts';
import type { Locale } from '../../src/db/schema.ts';
import { requestLocale } from './request-locale.ts';

/** The code for anything that is not a ServiceError: details stay in the log, keyed by request id. */
export const INTERNAL_ERROR = 'internal_error';

export interface ErrorBody {
  error: {
    code: ErrorCode | typeof INTERNAL_ERROR;
    message: string;
    requestId: string;
    fields?: { field: string; message: string }[];
  };
}

const STATUS_CODES = Object.entries(HTTP_STATUS) as [ErrorCode, number][];

/** Browsers navigating get a page; API clients, webhooks and scripts get JSON. */
function wantsHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('text/html');
}

/**
 * The one `app.onError`: a ServiceError becomes its HTTP status with a localized message, anything
 * else a 500 that is logged with the request id. Channels that render their own error pages catch
 * ServiceErrors before they get here.
 */
export function errorHandler(deps: Pick<AppDeps, 'i18n' | 'log' | 'config'>): ErrorHandler<AppEnv> {
  return (err, c) => {
    const requestId = c.get('requestId') ?? '';
    const locale = requestLocale(c, deps.config.defaultLocale);
    const t = deps.i18n.forLocale(locale);
    const translate = (key: string, params: Record<string, unknown>, fallbackKey: string) =>
      deps.i18n.instance.exists(key, { lng: locale }) ? t(key, params) : t(fallbackKey);

    let status: ContentfulStatusCode;
    let body: ErrorBody;
    if (err instanceof ServiceError) {
      status = HTTP_STATUS[err.code] as ContentfulStatusCode;
      body = {
        error: {
          code: err.code,
          message: translate(err.messageKey, err.params, `ops:errors.code.${err.code}`),
          requestId,
          ...(err.fields.length
            ? {
                fields: err.fields.map((f) => ({
                  field: f.field,
                  message: translate(f.key, f.params ?? {}, 'ops:errors.code.validation_failed'),
                })),
              }
            : {}),
        },
      };
      deps.log.info({ requestId, code: err.code, messageKey: err.messageKey }, 'request refused');
    } else if (err instanceof HTTPException && err.status < 500) {
      status = err.status;
      const code = STATUS_CODES.find(([, s]) => s === err.status)?.[0] ?? 'validation_failed';
      body = { error: { code, message: t(`ops:errors.code.${code}`), requestId } };
      deps.log.info({ requestId, status }, 'request refused');
    } else {
      status = 500;
      body = { error: { code: INTERNAL_ERROR, message: t('ops:errors.internal'), requestId } };
      deps.log.error({ err, requestId }, 'unhandled error');
    }

    c.header('X-Request-Id', requestId);
    if (wantsHtml(c)) return c.html(errorPage(locale, t, status, body.error.message, requestId), status);
    return c.json(body, status);
  };
}

function errorPage(
  locale: Locale,
  t: (key: string, params?: Record<string, unknown>) => string,
  status: number,
  message: string,
  requestId: string,
) {
  const title = t('ops:errors.title');
  return html`<!doctype html>
<html lang="${locale}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} (${status})</title>
  </head>
  <body>
    <main>
      <h1>${title}</h1>
      <p role="alert">${message}</p>
      <p>${t('ops:errors.reference', { requestId })}</p>
      <p><a href="/">${t('ops:errors.home')}</a></p>
    </main>
  </body>
</html>`;
}
