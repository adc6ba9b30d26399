import { errorCodes, ZApiError, type TErrorCode } from '@parta/contracts';

/**
 * Every failed API call becomes an ApiError with a code from the contract, so the UI can always
 * pick a localized message by code — whatever the server, a proxy or the network returned.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: TErrorCode;
  /** Field path (dot-separated) → server message, for validation errors. */
  readonly fields: Readonly<Record<string, string>>;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: { status: number; code: TErrorCode; message: string; fields?: Record<string, string>; retryAfterSeconds?: number | undefined }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export function isErrorCode(value: unknown): value is TErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/** The code to use when the body is not our error shape (a proxy page, an empty body). */
export function errorCodeForStatus(status: number): TErrorCode {
  if (status === 400 || status === 422) return 'validation_failed';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'internal';
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Turns a non-2xx response into an ApiError. `body` is the parsed JSON (or undefined when the
 * body was empty or not JSON). Never throws.
 */
export function parseApiError(status: number, body: unknown, retryAfterHeader: string | null = null, now: number = Date.now()): ApiError {
  const headerSeconds = parseRetryAfter(retryAfterHeader, now);
  const parsed = ZApiError.safeParse(body);
  if (parsed.success) {
    const { code, message, fields, retryAfterSeconds } = parsed.data.error;
    return new ApiError({ status, code, message, ...(fields ? { fields } : {}), retryAfterSeconds: retryAfterSeconds ?? headerSeconds });
  }
  // A newer server may send a code this build does not know yet: keep its message, classify by status.
  const looseError = readLooseError(body);
  return new ApiError({
    status,
    code: errorCodeForStatus(status),
    message: looseError?.message ?? `HTTP ${status}`,
    retryAfterSeconds: headerSeconds,
  });
}

function readLooseError(body: unknown): { message: string } | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = (body as { error: unknown }).error;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return { message: error.message };
  }
  return undefined;
}

/** The request never got an answer (offline, DNS, connection refused, CORS). */
export function networkError(cause: unknown): ApiError {
  const error = new ApiError({ status: 0, code: 'unavailable', message: 'Network request failed' });
  error.cause = cause;
  return error;
}

/** The server answered 2xx with something that does not match the contract. */
export function contractError(path: string, issues: string): ApiError {
  return new ApiError({ status: 200, code: 'internal', message: `Unexpected response from ${path}: ${issues}` });
}

/**
 * Whether the server flagged `field` in a validation error. Paths are dot-separated, so
 * "destination" also matches "body.destination".
 */
export function hasFieldError(error: unknown, field: string): boolean {
  if (!isApiError(error)) return false;
  return Object.keys(error.fields).some((path) => path === field || path.endsWith(`.${field}`));
}

/** The server's (localized) message for `field`, matched like hasFieldError; undefined when none. */
export function fieldErrorMessage(error: unknown, field: string): string | undefined {
  if (!isApiError(error)) return undefined;
  return Object.entries(error.fields).find(([path]) => path === field || path.endsWith(`.${field}`))?.[1];
}
