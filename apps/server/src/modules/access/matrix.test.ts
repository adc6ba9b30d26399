import { randomBytes } from 'node:crypto';
import { realtimePath } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { listRoutes } from '../../test/routes.ts';
import { applicationFor, makeOperator, registerOrganization, samplePdf, submitApplication, uploadOrder } from '../../test/organizations.ts';

/**
 * The authorization matrix: for every route the server has, what each kind of caller gets.
 * Generated against the live route table, so a new route without an entry here fails the test.
 * Roles arrive with their features (teacher, student, parent…); each adds its actor column.
 *
 * Scopes: "A" is the caller's own organization where that matters; admin B is an administrator
 * of another school, who must see nothing of A (404, exactly like an id that does not exist).
 */

const actors = ['anonymous', 'newcomer', 'operator', 'adminA', 'adminB', 'deactivated'] as const;
type Actor = (typeof actors)[number];

type Fixtures = { organizationA: string; freshApplication(): Promise<string>; uploadToken(): Promise<string> };
type Case = { url: string; payload?: unknown; contentType?: string; headers?: Record<string, string> };
type Entry = { request(fixtures: Fixtures): Promise<Case> | Case; expect: Record<Actor, number> };

const sameFor = (status: number, overrides: Partial<Record<Actor, number>> = {}): Record<Actor, number> => ({
  ...(Object.fromEntries(actors.map((actor) => [actor, status])) as Record<Actor, number>),
  ...overrides,
});
/** Signed-in only: anonymous and deactivated callers are not signed in. */
const signedIn = (status: number, overrides: Partial<Record<Actor, number>> = {}) => sameFor(status, { anonymous: 401, deactivated: 401, ...overrides });
const operatorOnly = (status: number) => signedIn(404, { operator: status });

const matrix: Record<string, Entry> = {
  'GET /healthz': { request: () => ({ url: '/healthz' }), expect: sameFor(200) },
  'GET /readyz': { request: () => ({ url: '/readyz' }), expect: sameFor(200) },
  'GET /metrics': { request: () => ({ url: '/metrics' }), expect: sameFor(200) },
  'GET /api/openapi.json': { request: () => ({ url: '/api/openapi.json' }), expect: sameFor(200) },
  'GET /api/dev/outbox': { request: () => ({ url: '/api/dev/outbox' }), expect: sameFor(200) }, // development only; absent in production
  'GET /dev/outbox': { request: () => ({ url: '/dev/outbox' }), expect: sameFor(200) },
  // A plain GET without the upgrade headers: authentication answers before the protocol check.
  // Same-origin, so the Origin check passes and authentication answers; a signed-in plain GET
  // (no upgrade) is not the WebSocket route's business (404). The upgrade itself: gateway.test.ts.
  [`GET ${realtimePath}`]: { request: () => ({ url: realtimePath, headers: { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' } }), expect: signedIn(404) },
  'POST /api/auth/code': { request: () => ({ url: '/api/auth/code', payload: { destination: `matrix.${randomBytes(3).toString('hex')}@school.test` } }), expect: sameFor(200) },
  'POST /api/auth/verify': { request: () => ({ url: '/api/auth/verify', payload: { destination: 'nobody@school.test', code: '000000' } }), expect: sameFor(400) },
  'POST /api/auth/sign-out': { request: () => ({ url: '/api/auth/sign-out', payload: {} }), expect: signedIn(200) },
  'POST /api/auth/sign-out-everywhere': { request: () => ({ url: '/api/auth/sign-out-everywhere', payload: {} }), expect: signedIn(200) },
  'GET /api/me': { request: () => ({ url: '/api/me' }), expect: signedIn(200) },
  'PATCH /api/me': { request: () => ({ url: '/api/me', payload: { locale: 'ru' } }), expect: signedIn(200) },
  'POST /api/uploads': {
    request: () => ({ url: '/api/uploads?purpose=appointment_order&name=prikaz.pdf', payload: samplePdf, contentType: 'application/pdf' }),
    expect: sameFor(201),
  },
  'POST /api/registration-applications': {
    request: async (f) => ({ url: '/api/registration-applications', payload: applicationFor('school', `m.${randomBytes(3).toString('hex')}@school.test`, await f.uploadToken()) }),
    expect: sameFor(201),
  },
  'GET /api/operator/applications': { request: () => ({ url: '/api/operator/applications' }), expect: operatorOnly(200) },
  'GET /api/operator/applications/:id/order': { request: async (f) => ({ url: `/api/operator/applications/${await f.freshApplication()}/order` }), expect: operatorOnly(200) },
  'POST /api/operator/applications/:id/approve': { request: async (f) => ({ url: `/api/operator/applications/${await f.freshApplication()}/approve`, payload: {} }), expect: operatorOnly(200) },
  'POST /api/operator/applications/:id/reject': {
    request: async (f) => ({ url: `/api/operator/applications/${await f.freshApplication()}/reject`, payload: { reason: 'Неполные сведения об организации' } }),
    expect: operatorOnly(200),
  },
  'GET /api/operator/authorities': { request: () => ({ url: '/api/operator/authorities' }), expect: operatorOnly(200) },
  'GET /api/organizations': { request: () => ({ url: '/api/organizations' }), expect: signedIn(200) },
  'GET /api/organizations/:id': { request: (f) => ({ url: `/api/organizations/${f.organizationA}` }), expect: signedIn(404, { adminA: 200 }) },
};

let t: TestApp;
let fixtures: Fixtures;
const people: Partial<Record<Actor, string>> = {};

beforeAll(async () => {
  t = await startTestApp();
  await makeOperator(t, await signIn(t, 'matrix.operator@parta.test'));
  people.operator = 'matrix.operator@parta.test';
  const a = await registerOrganization(t);
  const b = await registerOrganization(t);
  people.adminA = a.adminEmail;
  people.adminB = b.adminEmail;
  people.newcomer = 'matrix.newcomer@school.test';
  people.deactivated = 'matrix.deactivated@school.test';
  fixtures = {
    organizationA: a.organizationId,
    uploadToken: () => uploadOrder(t),
    freshApplication: async () => submitApplication(t, applicationFor('school', `fresh.${randomBytes(3).toString('hex')}@school.test`, await uploadOrder(t))),
  };
});
afterAll(async () => {
  await t.close();
});

/** A fresh session for the actor for every case, so that sign-out cases do not affect others. */
async function sessionOf(actor: Actor): Promise<SignedIn | null> {
  if (actor === 'anonymous') return null;
  t.clock.advance(3_600_000); // past the hourly limit on codes per address
  const session = await signIn(t, people[actor]!);
  if (actor === 'deactivated') await t.database.db.updateTable('users').set({ deactivated_at: new Date() }).where('id', '=', session.userId).execute();
  return session;
}

describe('authorization matrix', () => {
  it('has an entry for every route the server has, and none for routes it does not have', () => {
    // The web app's static files (served when apps/web is built) are public and not API routes.
    const isStaticFile = (url: string) => url === '/' || url.startsWith('/assets/') || /^\/[^/]+\.[a-z0-9]+$/i.test(url);
    const routeKeys = listRoutes(t.app)
      .filter((route) => !isStaticFile(route.url))
      .map((route) => `${route.method} ${route.url}`);
    const missing = routeKeys.filter((key) => !(key in matrix));
    expect(missing, 'routes without an authorization matrix entry: add them to modules/access/matrix.test.ts').toEqual([]);
    expect(Object.keys(matrix).filter((key) => !routeKeys.includes(key))).toEqual([]);
  });

  for (const [route, entry] of Object.entries(matrix)) {
    it(`${route}: ${actors.map((actor) => `${actor} → ${entry.expect[actor]}`).join(', ')}`, async () => {
      const method = route.split(' ')[0] as 'GET' | 'POST' | 'PATCH';
      const outcomes: Record<string, number> = {};
      for (const actor of actors) {
        const session = await sessionOf(actor);
        const { url, payload, contentType, headers } = await entry.request(fixtures);
        const response = await t.app.inject({
          method,
          url,
          ...(payload !== undefined ? { payload: payload as string } : {}),
          headers: { ...(session ? asUser(session) : {}), ...(contentType ? { 'content-type': contentType } : {}), ...headers },
        });
        outcomes[actor] = response.statusCode;
        if (actor === 'deactivated' && session) {
          await t.database.db.updateTable('users').set({ deactivated_at: null }).where('id', '=', session.userId).execute();
        }
      }
      expect(outcomes).toEqual(entry.expect);
    });
  }
});
