import type { TApiError, TErrorCode } from '@parta/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from './app-error.ts';
import { localizeError, pickLocale, type Locale } from './messages.ts';

type ValidationIssue = { instancePath: string; keyword: string; message?: string; params?: Record<string, unknown> };

const russianTypeNames: Record<string, string> = { string: 'строка', number: 'число', int: 'целое число', boolean: 'да или нет', object: 'объект', array: 'список' };

/** Russian text for a zod issue; zod's own messages are English. */
function describeInRussian(issue: ValidationIssue): string {
  const p = issue.params ?? {};
  switch (issue.keyword) {
    case 'invalid_type':
      return `ожидается ${russianTypeNames[String(p.expected)] ?? String(p.expected)}`;
    case 'too_small':
      return p.origin === 'string' ? `слишком коротко: не меньше ${String(p.minimum)} символов` : `слишком мало: не меньше ${String(p.minimum)}`;
    case 'too_big':
      return p.origin === 'string' ? `слишком длинно: не больше ${String(p.maximum)} символов` : `слишком много: не больше ${String(p.maximum)}`;
    case 'invalid_format':
      if (p.format === 'email') return 'неверный адрес электронной почты';
      if (p.format === 'uuid') return 'неверный идентификатор';
      return 'неверный формат';
    case 'unrecognized_keys':
      return `лишние поля: ${Array.isArray(p.keys) ? p.keys.join(', ') : ''}`;
    case 'invalid_value':
      return 'недопустимое значение';
    case 'custom': {
      // Contracts attach a Russian message to their custom checks (see ruMessage in @parta/contracts).
      const ru = (p.params as { ru?: unknown } | undefined)?.ru;
      return typeof ru === 'string' ? ru : 'неверное значение';
    }
    default:
      return 'неверное значение';
  }
}

/** Field path → message, localized to the request's language. Body fields are named by their path alone. */
function describeFields(validation: ValidationIssue[], context: string | undefined, locale: Locale): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of validation) {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const prefix = context === 'body' ? '' : context === 'querystring' ? 'query' : context;
    const key = [prefix, path].filter(Boolean).join('.') || 'body';
    if (fields[key]) continue;
    fields[key] = locale === 'ru' ? describeInRussian(issue) : (issue.message ?? 'invalid');
  }
  return fields;
}

function sendError(
  reply: FastifyReply,
  locale: Locale,
  status: number,
  code: TErrorCode,
  extra: { fields?: Record<string, string>; retryAfterSeconds?: number; params?: Record<string, string | number>; detail?: string } = {},
) {
  const body: TApiError = {
    error: {
      code,
      message: extra.detail ?? localizeError(code, locale, { retryAfterSeconds: extra.retryAfterSeconds, ...extra.params }),
      ...(extra.fields ? { fields: extra.fields } : {}),
      ...(extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: extra.retryAfterSeconds } : {}),
    },
  };
  if (extra.retryAfterSeconds !== undefined) void reply.header('retry-after', String(extra.retryAfterSeconds));
  return reply.code(status).send(body);
}

/** PostgreSQL SQLSTATEs for text it cannot store: character_not_in_repertoire, untranslatable_character. */
const unstorableTextCodes = new Set(['22021', '22P05']);

/** Maps every thrown error to the API error shape; unknown errors are logged and answered as 500 without details. */
export function installErrorHandling(app: FastifyInstance, options: { fallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null } = {}) {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    const locale = pickLocale(request.headers['accept-language']);
    if (error instanceof AppError) {
      const extra: Parameters<typeof sendError>[4] = { params: error.params };
      if (error.fields) extra.fields = Object.fromEntries(Object.entries(error.fields).map(([field, text]) => [field, typeof text === 'string' ? text : text[locale]]));
      if (error.retryAfterSeconds !== undefined) extra.retryAfterSeconds = error.retryAfterSeconds;
      if (error.detail) extra.detail = error.detail[locale];
      return sendError(reply, locale, error.status, error.code, extra);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendError(reply, locale, 400, 'validation_failed', {
        fields: describeFields(error.validation, (error as { validationContext?: string }).validationContext, locale),
      });
    }
    if (typeof error.code === 'string' && unstorableTextCodes.has(error.code)) {
      // Text the database cannot hold (a NUL byte, an invalid sequence) that slipped past a schema.
      request.log.warn({ err: error }, 'text the database cannot store; add a ZSingleLine-style check to the contract');
      return sendError(reply, locale, 400, 'validation_failed', { fields: { body: locale === 'ru' ? 'недопустимые символы в тексте' : 'the text contains characters that cannot be stored' } });
    }
    if (error.message === 'timeout exceeded when trying to connect') {
      // node-postgres: every pooled connection stayed busy past the wait limit. The server is
      // overloaded, not broken: say so, and when to come back.
      request.log.warn({ err: error }, 'database pool exhausted');
      return sendError(reply, locale, 503, 'unavailable', { retryAfterSeconds: 2 });
    }
    if (isDatabaseUnavailable(error)) {
      // PostgreSQL restarting, failing over or unreachable: nothing was stored (or the client's
      // idempotent retry finds it stored); come back in a moment.
      request.log.warn({ err: error }, 'database unavailable');
      return sendError(reply, locale, 503, 'unavailable', { retryAfterSeconds: 2 });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, locale, 413, 'payload_too_large');
    if (status === 415) return sendError(reply, locale, 415, 'unsupported_media_type');
    if (status === 429) {
      const retryAfter = Number(reply.getHeader('retry-after') ?? 60);
      return sendError(reply, locale, 429, 'rate_limited', { retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : 60 });
    }
    if (status >= 400 && status < 500) {
      // Malformed JSON, empty body with a JSON content type, bad content length, and the like.
      return sendError(reply, locale, 400, 'validation_failed', { fields: { body: locale === 'ru' ? 'тело запроса не разобрано: нужен корректный JSON' : error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, locale, 500, 'internal');
  });

  app.setNotFoundHandler((request, reply) => options.fallback?.(request, reply) ?? sendError(reply, pickLocale(request.headers['accept-language']), 404, 'not_found'));
}

/**
 * The database went away under a request: connection exceptions (SQLSTATE class 08), the server
 * shutting down or starting (57P01–57P03), or the driver's own lost or refused connection.
 */
export function isDatabaseUnavailable(error: { code?: unknown; message?: unknown }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03'].includes(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return /^(Connection terminated|Client has encountered a connection error|terminating connection)/.test(message);
}
