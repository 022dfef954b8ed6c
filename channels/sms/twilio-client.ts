/**
 * The one place the `twilio` SDK client is built. Everything that calls Twilio's REST API (SMS and
 * voice senders) gets its client here, so base URL, timeouts and retries are the same everywhere.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as TwilioHttpResponse from 'twilio/lib/http/response.js';
import type { Config } from '../../src/config.ts';

export const TWILIO_API_ORIGIN = 'https://api.twilio.com';

/**
 * Twilio answers well within this; a slower answer is treated as a network failure and the send is
 * retried by the queue, which is safer than holding a worker slot for the SDK's default 30 s.
 */
export const DEFAULT_TWILIO_TIMEOUT_MS = 15_000;

/**
 * A RequestClient that sends what the SDK addresses to `https://api.twilio.com` to another base URL
 * (a regional proxy, or a local stand-in of the API in tests), keeping path and query.
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  readonly baseUrl: string;

  constructor(baseUrl: string, options: RequestClient.RequestClientOptions = {}) {
    super(options);
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  override request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<TwilioHttpResponse.default<TData>> {
    const uri = opts.uri.startsWith(TWILIO_API_ORIGIN)
      ? this.baseUrl + opts.uri.slice(TWILIO_API_ORIGIN.length)
      : opts.uri;
    return super.request({ ...opts, uri });
  }
}

export interface TwilioClientOptions {
  timeoutMs?: number;
}

/**
 * Builds the Twilio REST client from the configuration's credentials; with `apiBaseUrl` set
 * (`TWILIO_API_BASE_URL`) every API request goes there instead of https://api.twilio.com.
 * Retries are left to the outbound queue, which knows which failures are worth retrying.
 */
export function createTwilioClient(
  settings: Pick<NonNullable<Config['twilio']>, 'accountSid' | 'authToken' | 'apiBaseUrl'>,
  options: TwilioClientOptions = {},
): twilio.Twilio {
  const timeout = options.timeoutMs ?? DEFAULT_TWILIO_TIMEOUT_MS;
  const httpClient = settings.apiBaseUrl
    ? new BaseUrlRequestClient(settings.apiBaseUrl, { timeout, keepAlive: true })
    : new twilio.RequestClient({ timeout, keepAlive: true });
  return twilio(settings.accountSid, settings.authToken, {
    httpClient,
    timeout,
    autoRetry: false,
  });
}
