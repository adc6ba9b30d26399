import { randomBytes, randomUUID } from 'node:crypto';
import { academicYearOf, realtimePath } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, joinByLink, populateSchool, uniqueEmail, type PopulatedSchool } from '../../test/school.ts';
import { listRoutes } from '../../test/routes.ts';
import { applicationFor, makeOperator, registerOrganization, samplePdf, submitApplication, uploadOrder } from '../../test/organizations.ts';
import { makeImage, postWithAttachments, uploadAttachment } from '../../test/attachments.ts';

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
  /** A message of the class teacher in that chat. */
  messageId: string;
  /** A new chat like `chatId`, for cases that change its members. */
  freshChat(): Promise<string>;
  /** A new message in `chatId` by one of its members (the class teacher by default). */
  freshMessage(author?: 'classTeacher' | 'student'): Promise<string>;
  /** A third school whose links anyone may use without changing their place in school A. */
  schoolC: { organizationId: string; admin: SignedIn };
  freshApplication(): Promise<string>;
  uploadToken(): Promise<string>;
  freshStudent(classId?: string): Promise<string>;
  freshTeacher(): Promise<string>;
  freshYoungStudent(): Promise<{ childId: string; parentId: string }>;
  freshInvitation(classId?: string): Promise<{ id: string; token: string }>;
  freshJoinRequest(): Promise<string>;
  /** A channel of school A made by its administrator (anyone of the school may subscribe). */
  channelId: string;
  /** A post asking «прочитал и подтверждаю» in school A's «Общешкольный канал», by its administrator. */
  ackPost: { chatId: string; messageId: string };
  /** A report by the parent of a new message of the class teacher in `chatId`. */
  freshReport(): Promise<string>;
  /** An invitation link to `chatId` (or to a new chat like it), made by the class teacher. */
  freshChatLink(chatId?: string): Promise<{ id: string; token: string }>;
  /** The verified teacher's direct chat with the parent (one-to-one calls need no media server). */
  directChatId: string;
  /** No call in progress in the direct chat (the last one ended by whoever started it). */
  endCalls(): Promise<void>;
  /** A new call in the direct chat, started (and joined) by the verified teacher; the parent is rung. */
  freshCall(): Promise<string>;
  /** Like freshCall, with the parent in it too. */
  freshAnsweredCall(): Promise<string>;
  /** A lesson planned by the class teacher for 5А (whose class chat exists). */
  freshLesson(): Promise<string>;
  /** A broadcast planned by school A's administrator, with the administrator and the verified teacher speaking. */
  freshBroadcast(): Promise<{ id: string; token: string }>;
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
const chatMembers = (status: number, overrides: Partial<Expect> = {}) => signedIn(404, { classTeacher: status, parent: status, student: status, ...overrides });
/** Only the chat's administrator (the class teacher who made it) gets `status`; its other members 403. */
const chatAdmins = (status: number) => chatMembers(403, { classTeacher: status });
/** The verified teacher's direct chat with the parent: the two of them get `status`, everyone else 404. */
const directPair = (status: number, overrides: Partial<Expect> = {}) => signedIn(404, { verifiedTeacher: status, parent: status, ...overrides });
/** For the class teacher's message: only its author gets `status`; the chat's other members 403. */
const authorOnly = (status: number) => chatMembers(403, { classTeacher: status });

const org = (f: Fixtures) => `/api/organizations/${f.organizationId}`;
let attachment: Promise<string> | undefined;
/** An image the class teacher sent to `chatId` (made once, on first use). */
const attachmentIn = (f: Fixtures) =>
  (attachment ??= (async () => {
    const token = (await uploadAttachment(t, await makeImage('png'), 'фото.png', f.classTeacher)).json<{ uploadToken: string }>().uploadToken;
    return (await postWithAttachments(t, f.chatId, f.classTeacher, [token])).attachments[0]!.id;
  })());
let classCounter = 0;

const matrix: Record<string, Entry> = {
  'GET /healthz': { request: () => ({ url: '/healthz' }), expect: sameFor(200) },
  'GET /readyz': { request: () => ({ url: '/readyz' }), expect: sameFor(200) },
  'GET /metrics': { request: () => ({ url: '/metrics' }), expect: sameFor(200) },
  'GET /api/openapi.json': { request: () => ({ url: '/api/openapi.json' }), expect: sameFor(200) },
  'GET /api/dev/outbox': { request: () => ({ url: '/api/dev/outbox' }), expect: sameFor(200) }, // development only; absent in production
  'GET /dev/outbox': { request: () => ({ url: '/dev/outbox' }), expect: sameFor(200) },
  // TURN credentials relay through the operator's server: only for members of a school. Checked
  // here, before later entries give the newcomer and the operator memberships of their own.
  'GET /api/media/ice-servers': { request: () => ({ url: '/api/media/ice-servers' }), expect: signedIn(200, { newcomer: 403, operator: 403 }) },
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
  // Across one's own chats anyone signed in may search; in one chat, only its members.
  'GET /api/chats/search': {
    scopes: {
      'all of one’s chats': { request: () => ({ url: `/api/chats/search?q=${encodeURIComponent('собрание')}` }), expect: signedIn(200) },
      'one chat': { request: (f) => ({ url: `/api/chats/search?q=${encodeURIComponent('собрание')}&chatId=${f.chatId}` }), expect: chatMembers(200) },
    },
  },
  'GET /api/chats/:chatId': { request: (f) => ({ url: `/api/chats/${f.chatId}` }), expect: chatMembers(200) },
  'PATCH /api/chats/:chatId': { request: (f) => ({ url: `/api/chats/${f.chatId}`, payload: { title: '5А' } }), expect: chatAdmins(200) },
  'POST /api/organizations/:organizationId/direct-chats': {
    scopes: {
      // Staff are everyone's contacts; the class teacher cannot start a chat with themselves.
      'with the class teacher': { request: (f) => ({ url: `${org(f)}/direct-chats`, payload: { userId: f.classTeacher.userId } }), expect: membersOfA(201, { classTeacher: 400 }) },
      // Only confirmed staff write to a student of 5Б first; a student writes to staff and classmates, a parent to staff and parents of the class (PRODUCT.md §4).
      'with a student of another class': {
        request: (f) => ({ url: `${org(f)}/direct-chats`, payload: { userId: f.otherStudentId } }),
        expect: membersOfA(201, { student: 403, parent: 403, teacher: 403 }),
      },
    },
  },
  'GET /api/organizations/:organizationId/contacts': { request: (f) => ({ url: `${org(f)}/contacts` }), expect: membersOfA(200) },
  'GET /api/organizations/:organizationId/chat-settings': { request: (f) => ({ url: `${org(f)}/chat-settings` }), expect: membersOfA(200) },
  'PUT /api/organizations/:organizationId/chat-settings': { request: (f) => ({ url: `${org(f)}/chat-settings`, payload: { studentsMayMessageEachOther: true } }), expect: adminOfA(200) },
  'POST /api/classes/:classId/chats': {
    scopes: {
      // Already opened by the class teacher (lessons need it): the administrator joins it, the class teacher gets it back (200).
      'own class': { request: (f) => ({ url: `/api/classes/${f.classA}/chats`, payload: { kind: 'class' } }), expect: classManagers(200) },
      'other class': { request: (f) => ({ url: `/api/classes/${f.classB}/chats`, payload: { kind: 'parents' } }), expect: adminOfA(201, { student: 404, parent: 404 }) },
    },
  },
  'GET /api/chats/:chatId/members': { request: (f) => ({ url: `/api/chats/${f.chatId}/members` }), expect: chatMembers(200) },
  'POST /api/chats/:chatId/members': {
    request: async (f) => ({ url: `/api/chats/${await f.freshChat()}/members`, payload: { userIds: [f.director.userId] } }),
    expect: chatAdmins(204),
  },
  'DELETE /api/chats/:chatId/members/:userId': { request: async (f) => ({ url: `/api/chats/${await f.freshChat()}/members/${f.student.userId}` }), expect: chatAdmins(204) },
  'POST /api/chats/:chatId/leave': { request: async (f) => ({ url: `/api/chats/${await f.freshChat()}/leave` }), expect: chatMembers(204) },
  'PUT /api/chats/:chatId/mute': { request: (f) => ({ url: `/api/chats/${f.chatId}/mute`, payload: { muted: false } }), expect: chatMembers(204) },
  'POST /api/chats/:chatId/read': { request: (f) => ({ url: `/api/chats/${f.chatId}/read`, payload: { seq: 1 } }), expect: chatMembers(204) },
  'POST /api/chats/:chatId/typing': { request: (f) => ({ url: `/api/chats/${f.chatId}/typing` }), expect: chatMembers(204) },
  // Calls (issue 6): one-to-one in the direct chat; group calls need the media server (calls.test.ts, media tests).
  'GET /api/calls': { request: () => ({ url: '/api/calls' }), expect: signedIn(200) },
  'POST /api/chats/:chatId/calls': {
    request: async (f) => {
      await f.endCalls();
      return { url: `/api/chats/${f.directChatId}/calls`, payload: { video: true, connectionId: randomUUID() } };
    },
    expect: directPair(201),
  },
  'GET /api/calls/:callId': { request: async (f) => ({ url: `/api/calls/${await f.freshCall()}` }), expect: directPair(200) },
  'POST /api/calls/:callId/join': { request: async (f) => ({ url: `/api/calls/${await f.freshCall()}/join`, payload: { connectionId: randomUUID() } }), expect: directPair(200) },
  // Only someone rung may decline (the caller is in the call already: 409).
  'POST /api/calls/:callId/decline': { request: async (f) => ({ url: `/api/calls/${await f.freshCall()}/decline`, payload: {} }), expect: directPair(200, { verifiedTeacher: 409 }) },
  'POST /api/calls/:callId/leave': { request: async (f) => ({ url: `/api/calls/${await f.freshCall()}/leave`, payload: { connectionId: randomUUID() } }), expect: directPair(200) },
  // Whoever started it (or a chat administrator).
  'POST /api/calls/:callId/end': { request: async (f) => ({ url: `/api/calls/${await f.freshCall()}/end`, payload: {} }), expect: directPair(403, { verifiedTeacher: 200 }) },
  // Only someone in the call (the parent is only rung: 409).
  'PATCH /api/calls/:callId/me': { request: async (f) => ({ url: `/api/calls/${await f.freshCall()}/me`, payload: { audioMuted: true } }), expect: directPair(200, { parent: 409 }) },
  // Hands and moderation: the host (who started the call) moderates; the other participant 403.
  'PUT /api/calls/:callId/participants/:userId/hand': {
    scopes: {
      'one’s own (the verified teacher’s)': { request: async (f) => ({ url: `/api/calls/${await f.freshCall()}/participants/${f.verifiedTeacher.userId}/hand`, payload: { raised: true } }), expect: directPair(200, { parent: 403 }) },
      'lowering another’s (the parent’s)': {
        request: async (f) => {
          const id = await f.freshAnsweredCall();
          await call(t, f.parent, 'PUT', `/api/calls/${id}/participants/${f.parent.userId}/hand`, { raised: true });
          return { url: `/api/calls/${id}/participants/${f.parent.userId}/hand`, payload: { raised: false } };
        },
        expect: directPair(200),
      },
    },
  },
  'POST /api/calls/:callId/participants/:userId/mute': { request: async (f) => ({ url: `/api/calls/${await f.freshAnsweredCall()}/participants/${f.parent.userId}/mute`, payload: { muted: true } }), expect: directPair(403, { verifiedTeacher: 200 }) },
  'POST /api/calls/:callId/mute-all': { request: async (f) => ({ url: `/api/calls/${await f.freshAnsweredCall()}/mute-all`, payload: {} }), expect: directPair(403, { verifiedTeacher: 200 }) },
  'POST /api/calls/:callId/participants/:userId/remove': { request: async (f) => ({ url: `/api/calls/${await f.freshAnsweredCall()}/participants/${f.parent.userId}/remove`, payload: {} }), expect: directPair(403, { verifiedTeacher: 200 }) },
  // Nobody waits in a call without a waiting room: the host gets 409.
  'POST /api/calls/:callId/participants/:userId/admit': { request: async (f) => ({ url: `/api/calls/${await f.freshAnsweredCall()}/participants/${f.parent.userId}/admit`, payload: {} }), expect: directPair(403, { verifiedTeacher: 409 }) },
  // Lessons: verified teachers of the class (in its class chat) plan them; 5Б has no class chat yet (409 for those who could).
  'POST /api/classes/:classId/lessons': {
    scopes: {
      'own class': { request: (f) => ({ url: `/api/classes/${f.classA}/lessons`, payload: { title: 'Дроби' } }), expect: membersOfA(403, { adminA: 201, director: 201, classTeacher: 201 }) },
      'other class': { request: (f) => ({ url: `/api/classes/${f.classB}/lessons`, payload: { title: 'Дроби' } }), expect: membersOfA(403, { adminA: 409, director: 409, verifiedTeacher: 409, classTeacher: 409 }) },
    },
  },
  'GET /api/classes/:classId/lessons': {
    scopes: {
      'own class': { request: (f) => ({ url: `/api/classes/${f.classA}/lessons` }), expect: membersOfA(200) },
      'other class': { request: (f) => ({ url: `/api/classes/${f.classB}/lessons` }), expect: membersOfA(200, { student: 404, parent: 404 }) },
    },
  },
  'GET /api/lessons/:lessonId': { request: async (f) => ({ url: `/api/lessons/${await f.freshLesson()}` }), expect: membersOfA(200) },
  // Only its teacher starts it — here without a media server, so 503 (lessons.test.ts starts one on Janus).
  'POST /api/lessons/:lessonId/start': { request: async (f) => ({ url: `/api/lessons/${await f.freshLesson()}/start`, payload: { connectionId: randomUUID() } }), expect: membersOfA(403, { classTeacher: 503 }) },
  // Broadcasts (issue 6): planned by administrators, the director and verified teachers; managed by
  // the author (here the administrator), administrators and the director; watched by anyone with
  // the link. Going live needs the media server: 503 here (broadcasts-live.test.ts runs on Janus).
  'GET /api/organizations/:organizationId/broadcasts': { request: (f) => ({ url: `/api/organizations/${f.organizationId}/broadcasts` }), expect: membersOfA(200) },
  'POST /api/organizations/:organizationId/broadcasts': {
    request: (f) => ({ url: `/api/organizations/${f.organizationId}/broadcasts`, payload: { title: 'Концерт', scheduledFor: new Date(Date.now() + 86_400_000).toISOString(), speakerIds: [f.director.userId] } }),
    expect: membersOfA(403, { adminA: 201, director: 201, verifiedTeacher: 201, classTeacher: 201 }),
  },
  'GET /api/broadcasts/:broadcastId': { request: async (f) => ({ url: `/api/broadcasts/${(await f.freshBroadcast()).id}` }), expect: membersOfA(200) },
  'POST /api/broadcasts/:broadcastId/start': { request: async (f) => ({ url: `/api/broadcasts/${(await f.freshBroadcast()).id}/start`, payload: {} }), expect: membersOfA(403, { adminA: 503, director: 503 }) },
  'POST /api/broadcasts/:broadcastId/end': { request: async (f) => ({ url: `/api/broadcasts/${(await f.freshBroadcast()).id}/end`, payload: {} }), expect: membersOfA(403, { adminA: 200, director: 200 }) },
  'POST /api/broadcasts/:broadcastId/link': { request: async (f) => ({ url: `/api/broadcasts/${(await f.freshBroadcast()).id}/link`, payload: {} }), expect: membersOfA(403, { adminA: 200, director: 200 }) },
  'DELETE /api/broadcasts/:broadcastId/link': { request: async (f) => ({ url: `/api/broadcasts/${(await f.freshBroadcast()).id}/link` }), expect: membersOfA(403, { adminA: 200, director: 200 }) },
  'GET /api/public/broadcasts/:token': { request: async (f) => ({ url: `/api/public/broadcasts/${(await f.freshBroadcast()).token}` }), expect: sameFor(200) },
  // The live sockets, asked without an upgrade: whoever passes the checks gets 404 (not a WebSocket request).
  'GET /api/public/broadcasts/:token/live': {
    request: async (f) => ({ url: `/api/public/broadcasts/${(await f.freshBroadcast()).token}/live`, headers: { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' } }),
    expect: sameFor(404),
  },
  // Speakers only (the administrator and the verified teacher), and only while it is live (409: it is planned).
  'GET /api/broadcasts/:broadcastId/live': {
    request: async (f) => ({ url: `/api/broadcasts/${(await f.freshBroadcast()).id}/live`, headers: { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' } }),
    expect: membersOfA(403, { adminA: 409, verifiedTeacher: 409 }),
  },
  'GET /api/chats/:chatId/messages': { request: (f) => ({ url: `/api/chats/${f.chatId}/messages` }), expect: chatMembers(200) },
  'POST /api/chats/:chatId/messages': { request: (f) => ({ url: `/api/chats/${f.chatId}/messages`, payload: { clientId: randomUUID(), text: 'Добрый день!' } }), expect: chatMembers(201) },
  'PATCH /api/chats/:chatId/messages/:messageId': {
    request: (f) => ({ url: `/api/chats/${f.chatId}/messages/${f.messageId}`, payload: { text: `Собрание в пятницу в ${randomUUID().slice(0, 4)}` } }),
    expect: authorOnly(200),
  },
  'DELETE /api/chats/:chatId/messages/:messageId': {
    scopes: {
      // Its author, or a chat administrator (moderation).
      'a student’s message': { request: async (f) => ({ url: `/api/chats/${f.chatId}/messages/${await f.freshMessage('student')}` }), expect: chatMembers(200, { parent: 403 }) },
      'the class teacher’s message': { request: async (f) => ({ url: `/api/chats/${f.chatId}/messages/${await f.freshMessage()}` }), expect: authorOnly(200) },
    },
  },
  'PUT /api/chats/:chatId/messages/:messageId/reaction': { request: (f) => ({ url: `/api/chats/${f.chatId}/messages/${f.messageId}/reaction`, payload: { emoji: '👍' } }), expect: chatMembers(200) },
  'DELETE /api/chats/:chatId/messages/:messageId/reaction': { request: (f) => ({ url: `/api/chats/${f.chatId}/messages/${f.messageId}/reaction` }), expect: chatMembers(200) },
  'GET /api/chats/:chatId/messages/:messageId/readers': { request: (f) => ({ url: `/api/chats/${f.chatId}/messages/${f.messageId}/readers` }), expect: authorOnly(200) },
  'PUT /api/chats/:chatId/pin': { request: (f) => ({ url: `/api/chats/${f.chatId}/pin`, payload: { messageId: f.messageId } }), expect: chatAdmins(200) },
  'DELETE /api/chats/:chatId/pin': { request: (f) => ({ url: `/api/chats/${f.chatId}/pin` }), expect: chatAdmins(200) },
  // Any member reports someone else's message; its author is told there is no need (409).
  'POST /api/chats/:chatId/messages/:messageId/report': {
    request: async (f) => ({ url: `/api/chats/${f.chatId}/messages/${await f.freshMessage()}/report`, payload: { reason: 'Спам' } }),
    expect: chatMembers(201, { classTeacher: 409 }),
  },
  // The queue: administrators, and the class teacher of the reporting parent's class.
  'GET /api/organizations/:organizationId/message-reports': { request: (f) => ({ url: `${org(f)}/message-reports` }), expect: membersOfA(403, { adminA: 200, classTeacher: 200 }) },
  'POST /api/organizations/:organizationId/message-reports/:reportId/resolve': {
    request: async (f) => ({ url: `${org(f)}/message-reports/${await f.freshReport()}/resolve`, payload: { action: 'dismiss' } }),
    expect: membersOfA(403, { adminA: 204, classTeacher: 204 }),
  },
  'GET /api/organizations/:organizationId/network-people': { request: (f) => ({ url: `${org(f)}/network-people?role=director` }), expect: membersOfA(403, { adminA: 200, director: 200 }) },

  // --- Channels
  'GET /api/organizations/:organizationId/channels': { request: (f) => ({ url: `${org(f)}/channels` }), expect: membersOfA(200) },
  'POST /api/organizations/:organizationId/channels': {
    request: (f) => ({ url: `${org(f)}/channels`, payload: { title: 'Новости кружка' } }),
    expect: membersOfA(201, { teacher: 403, student: 403, parent: 403 }),
  },
  'POST /api/chats/:chatId/subscribe': { request: (f) => ({ url: `/api/chats/${f.channelId}/subscribe` }), expect: membersOfA(200) },
  'POST /api/chats/:chatId/messages/:messageId/ack': { request: (f) => ({ url: `/api/chats/${f.ackPost.chatId}/messages/${f.ackPost.messageId}/ack` }), expect: membersOfA(204) },
  'GET /api/chats/:chatId/messages/:messageId/acks': { request: (f) => ({ url: `/api/chats/${f.ackPost.chatId}/messages/${f.ackPost.messageId}/acks` }), expect: membersOfA(403, { adminA: 200 }) },

  // --- Chat invitation links: made and managed by the chat's administrators who are staff; used by people of its organization.
  'POST /api/chats/:chatId/invitations': { request: (f) => ({ url: `/api/chats/${f.chatId}/invitations`, payload: {} }), expect: chatAdmins(201) },
  'GET /api/chats/:chatId/invitations': { request: (f) => ({ url: `/api/chats/${f.chatId}/invitations` }), expect: chatAdmins(200) },
  'DELETE /api/chats/:chatId/invitations/:invitationId': { request: async (f) => ({ url: `/api/chats/${f.chatId}/invitations/${(await f.freshChatLink(f.chatId)).id}` }), expect: chatAdmins(200) },
  'GET /api/chat-invitations/:token': { request: async (f) => ({ url: `/api/chat-invitations/${(await f.freshChatLink()).token}` }), expect: membersOfA(200) },
  'POST /api/chat-invitations/:token/accept': { request: async (f) => ({ url: `/api/chat-invitations/${(await f.freshChatLink()).token}/accept` }), expect: membersOfA(200) },

  // --- Attachments: exactly who reads the message they belong to.
  'GET /api/attachments/:attachmentId': { request: async (f) => ({ url: `/api/attachments/${await attachmentIn(f)}` }), expect: chatMembers(200) },
  'GET /api/attachments/:attachmentId/preview': { request: async (f) => ({ url: `/api/attachments/${await attachmentIn(f)}/preview` }), expect: chatMembers(200) },

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
  // Fresh messages for many cases within one (manual) second: no send limit here.
  t = await startTestApp({ sendLimit: { messages: 1_000_000, windowMs: 1 } });
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
  const send = async (author: SignedIn, chatId: string) => (await call<{ id: string }>(t, author, 'POST', `/api/chats/${chatId}/messages`, { clientId: randomUUID(), text: 'Родительское собрание в пятницу' })).id;
  const channel = await call<{ id: string }>(t, school.admin, 'POST', `${base}/channels`, { title: 'Новости школы' });
  const { chats } = await call<{ chats: { id: string; organizationId: string; systemChannel: string | null }[] }>(t, school.admin, 'GET', '/api/chats');
  const schoolChannel = chats.find((c) => c.organizationId === school.organizationId && c.systemChannel === 'school')!;
  const ackPost = await call<{ id: string }>(t, school.admin, 'POST', `/api/chats/${schoolChannel.id}/messages`, { clientId: randomUUID(), text: 'Подтвердите, пожалуйста', requiresAck: true });
  const direct = await call<{ id: string }>(t, school.verifiedTeacher, 'POST', `${base}/direct-chats`, { userId: school.parent.userId });
  await call(t, school.classTeacher, 'POST', `/api/classes/${school.classA}/chats`, { kind: 'class' });
  const endCalls = async () => {
    for (const running of (await call<{ calls: { id: string; chatId: string; startedBy: { id: string } }[] }>(t, school.parent, 'GET', '/api/calls')).calls) {
      const starter = running.startedBy.id === school.parent.userId ? school.parent : school.verifiedTeacher;
      if (running.chatId === direct.id) await call(t, starter, 'POST', `/api/calls/${running.id}/end`);
    }
  };
  fixtures = {
    ...school,
    directChatId: direct.id,
    endCalls,
    freshCall: async () => {
      await endCalls();
      return (await call<{ id: string }>(t, school.verifiedTeacher, 'POST', `/api/chats/${direct.id}/calls`, { video: true, connectionId: randomUUID() })).id;
    },
    freshAnsweredCall: async () => {
      await endCalls();
      const { id } = await call<{ id: string }>(t, school.verifiedTeacher, 'POST', `/api/chats/${direct.id}/calls`, { video: true, connectionId: randomUUID() });
      await call(t, school.parent, 'POST', `/api/calls/${id}/join`, { connectionId: randomUUID() });
      return id;
    },
    freshLesson: async () =>
      (await call<{ id: string }>(t, school.classTeacher, 'POST', `/api/classes/${school.classA}/lessons`, { title: 'Дроби', scheduledFor: new Date(Date.now() + 86_400_000).toISOString() })).id,
    freshBroadcast: async () => {
      const made = await call<{ id: string; watchUrl: string }>(t, school.admin, 'POST', `${base}/broadcasts`, {
        title: 'Последний звонок',
        scheduledFor: new Date(Date.now() + 86_400_000).toISOString(),
        speakerIds: [school.admin.userId, school.verifiedTeacher.userId],
      });
      return { id: made.id, token: made.watchUrl.split('/watch/')[1]! };
    },
    channelId: channel.id,
    ackPost: { chatId: schoolChannel.id, messageId: ackPost.id },
    freshReport: async () => {
      const messageId = await send(school.classTeacher, chat.id);
      return (await call<{ id: string }>(t, school.parent, 'POST', `/api/chats/${chat.id}/messages/${messageId}/report`, { reason: 'Спам' })).id;
    },
    freshChatLink: async (chatId?: string) => {
      const target = chatId ?? (await call<{ id: string }>(t, school.classTeacher, 'POST', `${base}/chats`, { title: 'По ссылке', memberIds: [school.verifiedTeacher.userId] })).id;
      return call<{ id: string; token: string }>(t, school.classTeacher, 'POST', `/api/chats/${target}/invitations`, {});
    },
    chatId: chat.id,
    messageId: await send(school.classTeacher, chat.id),
    freshChat: async () => (await call<{ id: string }>(t, school.classTeacher, 'POST', `${base}/chats`, { title: '5А', memberIds: [school.parent.userId, school.student.userId] })).id,
    freshMessage: async (author = 'classTeacher') => send(author === 'student' ? school.student : school.classTeacher, chat.id),
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
