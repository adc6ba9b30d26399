import { randomBytes, randomUUID } from 'node:crypto';
import { academicYearOf, realtimePath } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, joinByLink, populateSchool, uniqueEmail, type PopulatedSchool } from '../../test/school.ts';
import { listRoutes } from '../../test/routes.ts';
import { applicationFor, makeOperator, registerOrganization, samplePdf, submitApplication, uploadOrder } from '../../test/organizations.ts';

/**
 * The authorization matrix: for every route the server has, what each kind of caller gets.
 * Generated against the live route table, so a new route without an entry here fails the test.
 *
 * Actors: school A's people in every role (made through the API by populateSchool), the
 * administrator of another school (B), the operator, a newcomer without any membership, a
 * deactivated account and anonymous callers. Scopes: routes about a class are tried on the
 * actors' own class (5А: the student, the parent's child, the class teacher) and on another
 * class of the same school (5Б); school B's administrator stands for "another school" everywhere.
 * What belongs to a school or class one may not see answers 404, exactly like an id that does
 * not exist.
 */

const actors = ['anonymous', 'newcomer', 'deactivated', 'operator', 'adminB', 'adminA', 'director', 'teacher', 'verifiedTeacher', 'classTeacher', 'student', 'parent'] as const;
type Actor = (typeof actors)[number];
type Expect = Record<Actor, number>;

type Fixtures = PopulatedSchool & {
  /** A chat of the class teacher with the parent and the student. */
  chatId: string;
  /** A third school whose links anyone may use without changing their place in school A. */
  schoolC: { organizationId: string; admin: SignedIn };
  freshApplication(): Promise<string>;
  uploadToken(): Promise<string>;
  freshStudent(classId?: string): Promise<string>;
  freshTeacher(): Promise<string>;
  freshYoungStudent(): Promise<{ childId: string; parentId: string }>;
  freshInvitation(classId?: string): Promise<{ id: string; token: string }>;
  freshJoinRequest(): Promise<string>;
};
type Case = { url: string; payload?: unknown; contentType?: string; headers?: Record<string, string> };
type Scoped = { request(fixtures: Fixtures): Promise<Case> | Case; expect: Expect };
/** One case, or one per scope (own class / other class of the same school). */
type Entry = Scoped | { scopes: Record<string, Scoped> };

const sameFor = (status: number, overrides: Partial<Expect> = {}): Expect => ({
  ...(Object.fromEntries(actors.map((actor) => [actor, status])) as Expect),
  ...overrides,
});
/** Signed-in only: anonymous and deactivated callers are not signed in. */
const signedIn = (status: number, overrides: Partial<Expect> = {}) => sameFor(status, { anonymous: 401, deactivated: 401, ...overrides });
const operatorOnly = (status: number) => signedIn(404, { operator: status });
/** School A's members get `status`; everyone signed in outside it gets 404. */
const membersOfA = (status: number, overrides: Partial<Expect> = {}) =>
  signedIn(status, { newcomer: 404, operator: 404, adminB: 404, ...overrides });
const adminOfA = (status: number, overrides: Partial<Expect> = {}) => membersOfA(403, { adminA: status, ...overrides });
/** Administrators, and the verified class teacher of 5А. */
const classManagers = (status: number, overrides: Partial<Expect> = {}) => adminOfA(status, { classTeacher: status, ...overrides });

/** The class teacher's chat with a parent and a student of 5А: its members get `status`, every other caller 404. */
const chatMembers = (status: number) => signedIn(404, { classTeacher: status, parent: status, student: status });

const org = (f: Fixtures) => `/api/organizations/${f.organizationId}`;
let classCounter = 0;

const matrix: Record<string, Entry> = {
  'GET /healthz': { request: () => ({ url: '/healthz' }), expect: sameFor(200) },
  'GET /readyz': { request: () => ({ url: '/readyz' }), expect: sameFor(200) },
  'GET /metrics': { request: () => ({ url: '/metrics' }), expect: sameFor(200) },
  'GET /api/openapi.json': { request: () => ({ url: '/api/openapi.json' }), expect: sameFor(200) },
  'GET /api/dev/outbox': { request: () => ({ url: '/api/dev/outbox' }), expect: sameFor(200) }, // development only; absent in production
  'GET /dev/outbox': { request: () => ({ url: '/dev/outbox' }), expect: sameFor(200) },
  // A plain GET without the upgrade headers, same-origin: authentication answers first; a
  // signed-in plain GET (no upgrade) is not the WebSocket route's business (404). The upgrade
  // itself is tested in gateway.test.ts.
  [`GET ${realtimePath}`]: { request: () => ({ url: realtimePath, headers: { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' } }), expect: signedIn(404) },
  'POST /api/auth/code': { request: () => ({ url: '/api/auth/code', payload: { destination: `matrix.${randomBytes(3).toString('hex')}@school.test` } }), expect: sameFor(200) },
  'POST /api/auth/verify': { request: () => ({ url: '/api/auth/verify', payload: { destination: 'nobody@school.test', code: '000000' } }), expect: sameFor(400) },
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
  'GET /api/organizations/:organizationId': { request: (f) => ({ url: org(f) }), expect: membersOfA(200) },

  // --- Classes
  'GET /api/organizations/:organizationId/classes': { request: (f) => ({ url: `${org(f)}/classes` }), expect: membersOfA(200) },
  'POST /api/organizations/:organizationId/classes': {
    request: (f) => ({ url: `${org(f)}/classes`, payload: { name: `11-${++classCounter}`, grade: 11, academicYear: academicYearOf(t.clock.now()) } }),
    expect: adminOfA(201),
  },
  'GET /api/organizations/:organizationId/classes/:classId': {
    scopes: {
      'own class': { request: (f) => ({ url: `${org(f)}/classes/${f.classA}` }), expect: membersOfA(200) },
      'other class': { request: (f) => ({ url: `${org(f)}/classes/${f.classB}` }), expect: membersOfA(200, { student: 404, parent: 404 }) },
    },
  },
  'PATCH /api/organizations/:organizationId/classes/:classId': {
    scopes: {
      'own class': { request: (f) => ({ url: `${org(f)}/classes/${f.classA}`, payload: { grade: 5 } }), expect: adminOfA(200) },
      'other class': { request: (f) => ({ url: `${org(f)}/classes/${f.classB}`, payload: { grade: 5 } }), expect: adminOfA(200) },
    },
  },
  'PUT /api/organizations/:organizationId/classes/:classId/class-teachers': {
    request: (f) => ({ url: `${org(f)}/classes/${f.classB}/class-teachers`, payload: { userIds: [] } }),
    expect: adminOfA(200),
  },

  // --- Members
  'GET /api/organizations/:organizationId/members': { request: (f) => ({ url: `${org(f)}/members` }), expect: membersOfA(200, { student: 403, parent: 403 }) },
  'POST /api/organizations/:organizationId/students': {
    request: (f) => ({ url: `${org(f)}/students`, payload: { displayName: 'Новый Ученик', classId: f.classA, email: uniqueEmail('matrix.student') } }),
    expect: adminOfA(201),
  },
  'GET /api/organizations/:organizationId/members/:userId': {
    scopes: {
      'own class': { request: (f) => ({ url: `${org(f)}/members/${f.student.userId}` }), expect: membersOfA(200) },
      'other class': { request: (f) => ({ url: `${org(f)}/members/${f.otherStudentId}` }), expect: membersOfA(200, { student: 404, parent: 404 }) },
    },
  },
  'POST /api/organizations/:organizationId/members/:userId/roles': {
    request: (f) => ({ url: `${org(f)}/members/${f.verifiedTeacher.userId}/roles`, payload: { role: 'teacher' } }),
    expect: adminOfA(200),
  },
  'DELETE /api/organizations/:organizationId/members/:userId/roles/:role': {
    request: async (f) => ({ url: `${org(f)}/members/${await f.freshStudent()}/roles/student` }),
    expect: adminOfA(200),
  },
  'POST /api/organizations/:organizationId/members/:userId/verification': {
    request: (f) => ({ url: `${org(f)}/members/${f.verifiedTeacher.userId}/verification`, payload: {} }),
    expect: adminOfA(200),
  },
  'DELETE /api/organizations/:organizationId/members/:userId/verification': {
    request: async (f) => ({ url: `${org(f)}/members/${await f.freshTeacher()}/verification` }),
    expect: adminOfA(200),
  },
  'POST /api/organizations/:organizationId/members/:userId/movement': {
    request: async (f) => ({ url: `${org(f)}/members/${await f.freshStudent()}/movement`, payload: { kind: 'transfer', classId: f.classB } }),
    expect: adminOfA(200),
  },
  'POST /api/organizations/:organizationId/members/:userId/children': {
    request: (f) => ({ url: `${org(f)}/members/${f.parent.userId}/children`, payload: { childId: f.student.userId } }),
    expect: adminOfA(200),
  },
  'DELETE /api/organizations/:organizationId/members/:userId/children/:childId': {
    request: async (f) => {
      const { parentId, childId } = await f.freshYoungStudent();
      return { url: `${org(f)}/members/${parentId}/children/${childId}` };
    },
    expect: adminOfA(200),
  },

  // --- Invitations and join requests
  'GET /api/organizations/:organizationId/invitations': { request: (f) => ({ url: `${org(f)}/invitations` }), expect: classManagers(200) },
  'POST /api/organizations/:organizationId/invitations': {
    scopes: {
      'own class': { request: (f) => ({ url: `${org(f)}/invitations`, payload: { role: 'parent', classId: f.classA } }), expect: classManagers(201) },
      'other class': { request: (f) => ({ url: `${org(f)}/invitations`, payload: { role: 'parent', classId: f.classB } }), expect: adminOfA(201, { student: 404, parent: 404 }) },
    },
  },
  'POST /api/organizations/:organizationId/invitations/:invitationId/revoke': {
    request: async (f) => ({ url: `${org(f)}/invitations/${(await f.freshInvitation(f.classA)).id}/revoke`, payload: {} }),
    expect: classManagers(200),
  },
  'GET /api/invitations/:token': { request: async (f) => ({ url: `/api/invitations/${(await f.freshInvitation()).token}` }), expect: sameFor(200) },
  // Anyone signed in may use a link they were given (here: school C's, so school A stays as it is).
  'POST /api/invitations/:token/accept': { request: async (f) => ({ url: `/api/invitations/${(await f.freshInvitation()).token}/accept`, payload: {} }), expect: signedIn(200) },
  'GET /api/organizations/:organizationId/join-requests': { request: (f) => ({ url: `${org(f)}/join-requests` }), expect: classManagers(200) },
  'POST /api/organizations/:organizationId/join-requests/:requestId/accept': {
    request: async (f) => ({ url: `${org(f)}/join-requests/${await f.freshJoinRequest()}/accept`, payload: {} }),
    expect: classManagers(200),
  },
  'POST /api/organizations/:organizationId/join-requests/:requestId/decline': {
    request: async (f) => ({ url: `${org(f)}/join-requests/${await f.freshJoinRequest()}/decline`, payload: {} }),
    expect: classManagers(200),
  },
  'POST /api/organizations/:organizationId/roster-imports': {
    request: (f) => ({ url: `${org(f)}/roster-imports?mode=preview`, payload: rosterSample, contentType: 'text/csv' }),
    expect: adminOfA(200),
  },

  // --- Chats
  'GET /api/chats': { request: () => ({ url: '/api/chats' }), expect: signedIn(200) },
  'POST /api/organizations/:organizationId/chats': {
    scopes: {
      'with colleagues': { request: (f) => ({ url: `${org(f)}/chats`, payload: { title: 'Педсовет', memberIds: [f.verifiedTeacher.userId] } }), expect: membersOfA(201, { student: 403, parent: 403 }) },
      // An unverified teacher may not start a chat with students or parents.
      'with a parent': { request: (f) => ({ url: `${org(f)}/chats`, payload: { title: 'Родители', memberIds: [f.parent.userId] } }), expect: membersOfA(201, { student: 403, parent: 403, teacher: 403 }) },
    },
  },
  'GET /api/chats/:chatId/messages': { request: (f) => ({ url: `/api/chats/${f.chatId}/messages` }), expect: chatMembers(200) },
  'POST /api/chats/:chatId/messages': { request: (f) => ({ url: `/api/chats/${f.chatId}/messages`, payload: { clientId: randomUUID(), text: 'Добрый день!' } }), expect: chatMembers(201) },

  // Last, because they end sessions that the cases above share.
  'POST /api/auth/sign-out': { request: () => ({ url: '/api/auth/sign-out', payload: {} }), expect: signedIn(200) },
  'POST /api/auth/sign-out-everywhere': { request: () => ({ url: '/api/auth/sign-out-everywhere', payload: {} }), expect: signedIn(200) },
};

const rosterSample = 'Класс;Роль;ФИО;Эл. почта;Телефон;Ребёнок\n5А;ученик;Матрицын Матвей;matrix.roster@school.test;;\n';

let t: TestApp;
let fixtures: Fixtures;
const emails: Partial<Record<Actor, string>> = {};
const sessions = new Map<Actor, SignedIn>();

beforeAll(async () => {
  t = await startTestApp();
  await makeOperator(t, await signIn(t, 'matrix.operator@parta.test'));
  const school = await populateSchool(t);
  const b = await registerOrganization(t);
  const c = await registerOrganization(t);
  Object.assign(emails, {
    operator: 'matrix.operator@parta.test',
    adminA: school.adminEmail,
    adminB: b.adminEmail,
    newcomer: 'matrix.newcomer@school.test',
    deactivated: 'matrix.deactivated@school.test',
    director: school.emails.director,
    teacher: school.emails.teacher,
    verifiedTeacher: school.emails.verifiedTeacher,
    classTeacher: school.emails.classTeacher,
    student: school.studentEmail,
    parent: school.parentEmail,
  });
  const base = `/api/organizations/${school.organizationId}`;
  const chat = await call<{ id: string }>(t, school.classTeacher, 'POST', `${base}/chats`, { title: '5А', memberIds: [school.parent.userId, school.student.userId] });
  fixtures = {
    ...school,
    chatId: chat.id,
    schoolC: { organizationId: c.organizationId, admin: c.admin },
    uploadToken: () => uploadOrder(t),
    freshApplication: async () => submitApplication(t, applicationFor('school', `fresh.${randomBytes(3).toString('hex')}@school.test`, await uploadOrder(t))),
    freshStudent: async (classId = school.classA) =>
      (await call<{ id: string }>(t, school.admin, 'POST', `${base}/students`, { displayName: 'Свежий Ученик', classId, email: uniqueEmail('fresh.student') })).id,
    freshTeacher: async () => (await joinByLink(t, school.admin, school.organizationId, { role: 'teacher' })).person.userId,
    freshYoungStudent: async () => {
      const child = await call<{ id: string; parents: { id: string }[] }>(t, school.admin, 'POST', `${base}/students`, { displayName: 'Малыш', classId: school.classA, guardianEmail: uniqueEmail('guardian') });
      return { childId: child.id, parentId: child.parents[0]!.id };
    },
    freshInvitation: async (classId?: string) => {
      // Class links are school A's (for revoking); a link without a class is school C's (for using).
      const where = classId ? base : `/api/organizations/${c.organizationId}`;
      const by = classId ? school.admin : c.admin;
      return call<{ id: string; token: string }>(t, by, 'POST', `${where}/invitations`, { role: 'parent', ...(classId ? { classId } : {}) });
    },
    freshJoinRequest: async () => {
      const link = await call<{ token: string }>(t, school.admin, 'POST', `${base}/invitations`, { role: 'parent', classId: school.classA, requiresApproval: true });
      const person = await signIn(t, uniqueEmail('asking'));
      await call(t, person, 'POST', `/api/invitations/${link.token}/accept`, {});
      const queue = await call<{ requests: { id: string; person: { id: string } }[] }>(t, school.admin, 'GET', `${base}/join-requests`);
      return queue.requests.find((request) => request.person.id === person.userId)!.id;
    },
  };
});
afterAll(async () => {
  await t.close();
});

/** Each actor's session, made once; the sign-out routes come last and drop it. */
async function sessionOf(actor: Actor): Promise<SignedIn | null> {
  if (actor === 'anonymous') return null;
  const cached = sessions.get(actor);
  if (cached) return cached;
  if (actor === 'deactivated') await t.database.db.updateTable('users').set({ deactivated_at: null }).where('email', '=', emails.deactivated!).execute();
  const session = await signIn(t, emails[actor]!);
  if (actor === 'deactivated') await t.database.db.updateTable('users').set({ deactivated_at: new Date() }).where('id', '=', session.userId).execute();
  sessions.set(actor, session);
  return session;
}

const casesOf = (entry: Entry): [string, Scoped][] => ('scopes' in entry ? Object.entries(entry.scopes) : [['', entry]]);

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
    const cases = Object.values(matrix).reduce((sum, entry) => sum + casesOf(entry).length * actors.length, 0);
    console.info(`authorization matrix: ${routeKeys.length} routes, ${actors.length} actors, ${cases} cases`);
  });

  for (const [route, entry] of Object.entries(matrix)) {
    for (const [scope, { request, expect: expected }] of casesOf(entry)) {
      it(`${route}${scope ? ` (${scope})` : ''}: ${actors.map((actor) => `${actor} → ${expected[actor]}`).join(', ')}`, async () => {
        const method = route.split(' ')[0] as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
        const outcomes: Record<string, number> = {};
        for (const actor of actors) {
          const session = await sessionOf(actor);
          const { url, payload, contentType, headers } = await request(fixtures);
          const response = await t.app.inject({
            method,
            url,
            ...(payload !== undefined ? { payload: payload as string } : {}),
            headers: { ...(session ? asUser(session) : {}), ...(contentType ? { 'content-type': contentType } : {}), ...headers },
          });
          outcomes[actor] = response.statusCode;
          if (route.startsWith('POST /api/auth/sign-out')) sessions.delete(actor);
        }
        expect(outcomes).toEqual(expected);
      });
    }
  }
});
