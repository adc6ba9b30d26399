import { describe, expect, it } from 'vitest';
import { ApiError, errorCodeForStatus, hasFieldError, parseApiError, parseRetryAfter } from './api-error';

describe('parseApiError', () => {
  it('reads the contract error shape, with field errors', () => {
    const error = parseApiError(400, {
      error: { code: 'validation_failed', message: 'Invalid request', fields: { destination: 'Too short' } },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('Invalid request');
    expect(error.fields).toEqual({ destination: 'Too short' });
  });

  it('takes retryAfterSeconds from the body, else from the Retry-After header', () => {
    expect(parseApiError(429, { error: { code: 'rate_limited', message: 'Slow down', retryAfterSeconds: 42 } }, '10').retryAfterSeconds).toBe(42);
    expect(parseApiError(429, { error: { code: 'rate_limited', message: 'Slow down' } }, '10').retryAfterSeconds).toBe(10);
    expect(parseApiError(429, undefined, null).retryAfterSeconds).toBeUndefined();
  });

  it('classifies by status when the body is not ours (proxy page, empty body)', () => {
    const proxyPage = parseApiError(502, undefined);
    expect(proxyPage.code).toBe('unavailable');
    expect(proxyPage.message).toBe('HTTP 502');
    expect(parseApiError(401, '<html>').code).toBe('unauthenticated');
    expect(parseApiError(429, {}, '3').code).toBe('rate_limited');
    expect(parseApiError(500, { error: 'oops' }).code).toBe('internal');
  });

  it('does not trust an unknown code but keeps the server message', () => {
    const error = parseApiError(403, { error: { code: 'planet_exploded', message: 'Nope' } });
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Nope');
  });

  it('never produces "[object Object]" as a message', () => {
    const error = parseApiError(400, { error: { code: 'validation_failed', message: { nested: true } } });
    expect(error.message).not.toContain('[object');
    expect(error.code).toBe('validation_failed');
  });
});

describe('parseRetryAfter', () => {
  it('accepts seconds and HTTP dates', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('errorCodeForStatus', () => {
  it('maps the statuses the server and proxies use', () => {
    expect([400, 401, 403, 404, 413, 415, 429, 500, 503].map(errorCodeForStatus)).toEqual([
      'validation_failed',
      'unauthenticated',
      'forbidden',
      'not_found',
      'payload_too_large',
      'unsupported_media_type',
      'rate_limited',
      'internal',
      'unavailable',
    ]);
  });
});

describe('hasFieldError', () => {
  it('matches a field by its name or as the last part of a dotted path', () => {
    const error = parseApiError(400, { error: { code: 'validation_failed', message: 'x', fields: { 'body.destination': 'bad' } } });
    expect(hasFieldError(error, 'destination')).toBe(true);
    expect(hasFieldError(error, 'code')).toBe(false);
    expect(hasFieldError(error, 'nation')).toBe(false);
    expect(hasFieldError(new Error('x'), 'destination')).toBe(false);
  });
});
