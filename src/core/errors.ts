/**
 * The closed set of failures the core reports. Each channel maps a code to its medium
 * (TwiML in the caller's language, an accessible HTML page, JSON with a request id).
 */
export const ERROR_CODES = [
  'validation_failed',
  'not_found',
  'conflict',
  'illegal_transition',
  'unauthenticated',
  'forbidden',
  'rate_limited',
  'opted_out',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  /** Field name as the channel knows it. */
  field: string;
  /** An i18n key under `errors:` describing the problem. */
  key: string;
  params?: Record<string, string | number>;
}

export class ServiceError extends Error {
  readonly code: ErrorCode;
  /** An i18n key (namespace-qualified, e.g. `errors:topic.illegalTransition`) for people. */
  readonly messageKey: string;
  readonly params: Record<string, string | number>;
  readonly fields: FieldProblem[];

  constructor(
    code: ErrorCode,
    messageKey: string,
    options: { params?: Record<string, string | number>; fields?: FieldProblem[]; detail?: string } = {},
  ) {
    super(options.detail ?? `${code}: ${messageKey}`);
    this.name = 'ServiceError';
    this.code = code;
    this.messageKey = messageKey;
    this.params = options.params ?? {};
    this.fields = options.fields ?? [];
  }
}

/** HTTP status for each code, used by the HTTP-facing channels. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  not_found: 404,
  conflict: 409,
  illegal_transition: 409,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  opted_out: 409,
  unavailable: 503,
};
