import { ZMe } from '@parta/contracts';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createApiClient } from './api-client';
import { ApiError } from './api-error';
import { readCookie } from './cookies';

const me = { id: '5f0c3b8e-2a57-4a8e-9d6c-3f1f2b7c9a10', displayName: 'Мария', email: 'm@school.ru', phone: null, locale: 'ru', isOperator: false, createdAt: '2026-01-01T00:00:00.000Z' };

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function clientReturning(response: Response | Error, csrf: string | undefined = 'token-123') {
  const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
    if (response instanceof Error) throw response;
    return response;
  });
  return { client: createApiClient({ fetch, readCsrfToken: () => csrf }), fetch };
}

describe('api client', () => {
  it('sends the CSRF header, JSON and same-origin credentials on writes', async () => {
    const { client, fetch } = clientReturning(jsonResponse(200, me));
    await client.patch('/api/me', { displayName: 'Мария' }, ZMe);
    const init = fetch.mock.calls[0]![1]!;
    expect(init.method).toBe('PATCH');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"displayName":"Мария"}');
    expect(init.headers).toMatchObject({ 'x-csrf-token': 'token-123', 'content-type': 'application/json' });
  });

  it('sends the interface language as Accept-Language, so server messages follow the language switch', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, me));
    let language = 'ru';
    const client = createApiClient({ fetch, readCsrfToken: () => undefined, readLanguage: () => language });
    await client.get('/api/me', ZMe);
    language = 'en';
    await client.get('/api/me', ZMe);
    expect(fetch.mock.calls.map((call) => (call as unknown as [string, RequestInit])[1].headers)).toEqual([
      expect.objectContaining({ 'accept-language': 'ru' }),
      expect.objectContaining({ 'accept-language': 'en' }),
    ]);
  });

  it('does not send the CSRF header on reads', async () => {
    const { client, fetch } = clientReturning(jsonResponse(200, me));
    await expect(client.get('/api/me', ZMe)).resolves.toEqual(me);
    expect(fetch.mock.calls[0]![1]!.headers).not.toHaveProperty('x-csrf-token');
  });

  it('sends an empty JSON object for a POST without a body (Fastify rejects an empty JSON body)', async () => {
    const { client, fetch } = clientReturning(jsonResponse(200, { signedOutSessions: 1 }));
    await client.post('/api/auth/sign-out', undefined, z.object({ signedOutSessions: z.number() }));
    expect(fetch.mock.calls[0]![1]!.body).toBe('{}');
  });

  it('throws an ApiError with the code, fields and retry time from an error response', async () => {
    const { client } = clientReturning(jsonResponse(429, { error: { code: 'rate_limited', message: 'Too many' } }, { 'retry-after': '17' }));
    const error = await client.post('/api/auth/code', { destination: 'a@b.ru' }, z.unknown()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 17 });
  });

  it('handles an error response whose body is not JSON', async () => {
    const { client } = clientReturning(new Response('<html>Bad gateway</html>', { status: 502 }));
    await expect(client.get('/api/me', ZMe)).rejects.toMatchObject({ code: 'unavailable', status: 502 });
  });

  it('turns a network failure into an "unavailable" ApiError', async () => {
    const { client } = clientReturning(new TypeError('Failed to fetch'));
    await expect(client.get('/api/me', ZMe)).rejects.toMatchObject({ code: 'unavailable', status: 0 });
  });

  it('rejects a success response that breaks the contract', async () => {
    const { client } = clientReturning(jsonResponse(200, { ...me, id: 42 }));
    await expect(client.get('/api/me', ZMe)).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('readCookie', () => {
  it('finds a cookie by exact name and decodes it', () => {
    expect(readCookie('a=1; parta_csrf=abc%3D%3D; b=2', 'parta_csrf')).toBe('abc==');
    expect(readCookie('xparta_csrf=nope', 'parta_csrf')).toBeUndefined();
    expect(readCookie('', 'parta_csrf')).toBeUndefined();
  });
});
