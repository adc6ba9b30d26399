import { z } from 'zod';

/** Stable machine-readable error codes. The UI localizes by code; the server also sends a message. */
export const errorCodes = [
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  /** The thing changed meanwhile (e.g. an application already reviewed). */
  'conflict',
  'csrf_failed',
  'rate_limited',
  'code_invalid',
  'code_expired',
  /** A sign-in code could not be handed to the mail or SMS provider; nothing was kept, ask again. */
  'delivery_failed',
  'payload_too_large',
  'unsupported_media_type',
  'internal',
  'unavailable',
] as const;

export const ZErrorCode = z.enum(errorCodes);
export type TErrorCode = z.infer<typeof ZErrorCode>;

export const ZApiError = z
  .object({
    error: z.object({
      code: ZErrorCode,
      message: z.string(),
      /** Field path (dot-separated) to a human message, for validation errors. */
      fields: z.record(z.string(), z.string()).optional(),
      /** Seconds to wait before retrying, for rate limits and exhausted codes. */
      retryAfterSeconds: z.number().int().nonnegative().optional(),
    }),
  })
  .meta({ id: 'ApiError' });
export type TApiError = z.infer<typeof ZApiError>;
