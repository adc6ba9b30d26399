import type { TErrorCode } from '@parta/contracts';

/**
 * An error with a stable code and HTTP status, thrown by services and policies and turned into
 * `{ error: { code, message, fields? } }` by the error handler. The message is localized there.
 */
export class AppError extends Error {
  readonly code: TErrorCode;
  readonly status: number;
  readonly fields: Record<string, string | LocalizedText> | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** Values interpolated into the localized message, e.g. { attemptsLeft: 3 }. */
  readonly params: Record<string, string | number>;
  /** A message more precise than the code's usual one, in both languages. */
  readonly detail: LocalizedText | undefined;

  constructor(
    status: number,
    code: TErrorCode,
    options: { fields?: Record<string, string | LocalizedText>; retryAfterSeconds?: number; params?: Record<string, string | number>; detail?: LocalizedText } = {},
  ) {
    super(code);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.params = options.params ?? {};
    this.detail = options.detail;
  }
}

export const unauthenticated = () => new AppError(401, 'unauthenticated');
export const forbidden = (detail?: LocalizedText) => new AppError(403, 'forbidden', detail ? { detail } : {});
/** Also used for things of another organization: their existence is not revealed. */
export const notFound = () => new AppError(404, 'not_found');
/** A message in both languages; the error handler picks the request's. */
export type LocalizedText = { ru: string; en: string };
/** 409: the thing changed meanwhile or the action does not fit its state; say which. */
export const conflict = (detail?: LocalizedText) => new AppError(409, 'conflict', detail ? { detail } : {});
export const invalidField = (field: string, message: LocalizedText) => new AppError(400, 'validation_failed', { fields: { [field]: message } });
export const rateLimited = (retryAfterSeconds: number) => new AppError(429, 'rate_limited', { retryAfterSeconds });
