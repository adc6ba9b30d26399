import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from './error-handler.ts';

const app = Fastify({ logger: false });

beforeAll(async () => {
  installErrorHandling(app);
  app.get('/pool-exhausted', async () => {
    // What node-postgres throws when no pooled connection frees up within the wait limit.
    throw new Error('timeout exceeded when trying to connect');
  });
  app.get('/database-restarting', async () => {
    // What pg reports when PostgreSQL shuts down under a query (SQLSTATE 57P01, admin_shutdown).
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  });
  app.get('/connection-lost', async () => {
    throw new Error('Connection terminated unexpectedly');
  });
  app.get('/broken', async () => {
    throw new Error('something unexpected');
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

describe('error handling', () => {
  it('answers an exhausted database pool with 503 and Retry-After, not 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/pool-exhausted' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toMatchObject({ error: { code: 'unavailable', message: 'Сервис временно недоступен. Повторите позже.' } });
  });

  it('answers a database that went away (restart, lost connection) with 503 and Retry-After', async () => {
    for (const url of ['/database-restarting', '/connection-lost']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(503);
      expect(response.headers['retry-after']).toBe('2');
      expect(response.json()).toMatchObject({ error: { code: 'unavailable' } });
    }
  });

  it('answers anything else unexpected with 500 and no details', async () => {
    const response = await app.inject({ method: 'GET', url: '/broken', headers: { 'accept-language': 'en' } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal', message: 'Something went wrong. We are looking into it.' } });
  });
});
