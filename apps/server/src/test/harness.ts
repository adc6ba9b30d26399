import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { csrfCookieName, csrfHeaderName, sessionCookieName } from '@parta/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../app.ts';
import { createManualClock } from '../platform/clock.ts';
import { loadConfig } from '../platform/config/index.ts';
import { migrate, openDatabase, type Database } from '../platform/db/index.ts';

/**
 * A fresh database for one test file: in-memory PGlite by default, or a new schema on the
 * PostgreSQL server named by TEST_DATABASE_URL (the same suite, on the real engine).
 */
export async function openTestDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const database = await openDatabase({ kind: 'pglite' });
    await migrate(database);
    return { ...database, drop: () => database.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase({ kind: 'postgres', url, schema, maxConnections: 5 });
  await migrate(database);
  return {
    ...database,
    async drop() {
      await database.close();
      const admin = await openDatabase({ kind: 'postgres', url, maxConnections: 1 });
      const { sql } = await import('kysely');
      await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(admin.db);
      await admin.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** The whole app on a fresh database with a manual clock; `listen` only when a test needs sockets. */
export async function startTestApp(overrides: Partial<AppOptions> & { env?: Record<string, string> } = {}) {
  const database = await openTestDatabase();
  const clock = createManualClock();
  // Uploaded files go to a directory of this app's own, removed on close.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parta-test-'));
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, ...overrides.env });
  const parta = await buildApp({
    config,
    database,
    clock,
    logger: false,
    rateLimits: { codeRequestsPerMinute: 10_000, verificationsPerMinute: 10_000, uploadsPerHour: 10_000, applicationsPerHour: 10_000, invitationLinksPerMinute: 10_000, broadcastWatchPerMinute: 10_000 },
    ...overrides,
  });
  await parta.app.ready();
  return {
    ...parta,
    database,
    clock,
    config,
    async close() {
      await parta.app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The latest code the development outbox holds for a destination. */
export function latestCode(app: TestApp, destination: string): string {
  const message = app.outbox?.list().find((m) => m.to === destination);
  const code = message?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in the outbox for ${destination}`);
  return code;
}

export type SignedIn = { cookie: string; csrfToken: string; userId: string; sessionToken: string };

function cookieValue(response: LightMyRequestResponse, name: string): string {
  const cookie = response.cookies.find((c) => c.name === name);
  if (!cookie) throw new Error(`response did not set cookie ${name}`);
  return cookie.value;
}

let counter = 0;
/**
 * Signs a new (or existing) person in through the real code flow. When the code opens several
 * accounts (a parent's e-mail also signs in their young children), `accountId` picks one; by
 * default the address's own account.
 */
export async function signIn(app: TestApp, destination = `user${++counter}.${randomBytes(3).toString('hex')}@school.test`, accountId?: string): Promise<SignedIn> {
  const sent = await app.app.inject({ method: 'POST', url: '/api/auth/code', payload: { destination } });
  if (sent.statusCode !== 200) throw new Error(`code request failed: ${sent.body}`);
  app.clock.advance(31_000); // past the resend interval, so the same person can sign in again in a test
  const code = latestCode(app, sent.json().destination);
  let verified = await app.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { destination, code } });
  if (verified.statusCode === 200 && verified.json().status === 'choose_account') {
    const accounts: { id: string; isYoungStudent: boolean }[] = verified.json().accounts;
    const chosen = accountId ?? accounts.find((account) => !account.isYoungStudent)?.id ?? accounts[0]!.id;
    verified = await app.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { destination, code, accountId: chosen } });
  }
  if (verified.statusCode !== 200) throw new Error(`verify failed: ${verified.body}`);
  const sessionToken = cookieValue(verified, sessionCookieName);
  const csrfToken = cookieValue(verified, csrfCookieName);
  return { cookie: `${sessionCookieName}=${sessionToken}; ${csrfCookieName}=${csrfToken}`, csrfToken, userId: verified.json().me.id, sessionToken };
}

/** Headers of a cookie-authenticated browser write. */
export const asUser = (user: SignedIn) => ({ cookie: user.cookie, [csrfHeaderName]: user.csrfToken });
