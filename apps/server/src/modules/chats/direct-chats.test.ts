import { randomUUID } from 'node:crypto';
import type { TChat, TListChatsResponse, TListMembersResponse, TRole } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { registerOrganization } from '../../test/organizations.ts';
import { call, joinByLink, populateSchool, uniqueEmail, type PopulatedSchool } from '../../test/school.ts';

// Direct chats under the policy that protects minors (PRODUCT.md §4): a student writes to staff
// and classmates, a parent to staff and parents of the same class, staff to anyone of their
// organization (an unconfirmed teacher only to colleagues); nobody to anyone outside it.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const openDirect = (as: SignedIn | null, organizationId: string, userId: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/organizations/${organizationId}/direct-chats`, payload: { userId }, headers: { ...(as ? asUser(as) : {}), ...headers } });

type Contact = { person: { id: string; displayName: string; verifiedTeacher: boolean }; roles: TRole[] };
const contactsOf = async (as: SignedIn, organizationId: string) => (await call<{ contacts: Contact[] }>(t, as, 'GET', `/api/organizations/${organizationId}/contacts`)).contacts;

const named = async (person: SignedIn, displayName: string) => {
  await call(t, person, 'PATCH', '/api/me', { displayName });
  return person;
};

/**
 * A school with one person of every kind that matters to the policy, all signed in and named:
 * 5А has two students (each with a parent linked to them only) and a parent placed in the class
 * by a link; 5Б has a student with a parent.
 */
async function schoolForPolicy() {
  const s = await populateSchool(t);
  const org = `/api/organizations/${s.organizationId}`;
  const studentOf = async (classId: string, displayName: string) => {
    const email = uniqueEmail('student');
    await call(t, s.admin, 'POST', `${org}/students`, { displayName, classId, email });
    return signIn(t, email);
  };
  const parentOf = async (child: SignedIn, displayName: string) => {
    const parent = (await joinByLink(t, s.admin, s.organizationId, { role: 'parent' })).person;
    await call(t, s.admin, 'POST', `${org}/members/${parent.userId}/children`, { childId: child.userId });
    return named(parent, displayName);
  };
  const classmate = await studentOf(s.classA, 'Одноклассникова Ольга');
  const studentB = await studentOf(s.classB, 'Бэшкин Борис');
  const people = {
    admin: await named(s.admin, 'Админова Алла'),
    director: await named(s.director, 'Директоров Дмитрий'),
    teacher: await named(s.teacher, 'Непроверенная Нина'),
    verifiedTeacher: await named(s.verifiedTeacher, 'Учителева Ульяна'),
    classTeacher: await named(s.classTeacher, 'Классная Клавдия'),
    student: s.student, // «Петров Пётр», 5А
    classmate,
    studentB,
    parent: await named(s.parent, 'Петрова Полина'), // placed in 5А by a link, and the student's parent
    classmateParent: await parentOf(classmate, 'Одноклассникова Ольга Петровна'),
    parentB: await parentOf(studentB, 'Бэшкина Белла'),
  };
  return { s, people };
}
type People = Awaited<ReturnType<typeof schoolForPolicy>>['people'];
type Name = keyof People;

describe('who may start a direct chat with whom', () => {
  let s: PopulatedSchool;
  let p: People;
  let outsider: Awaited<ReturnType<typeof registerOrganization>>;
  let graduateId: string;
  beforeAll(async () => {
    ({ s, people: p } = await schoolForPolicy());
    outsider = await registerOrganization(t);
    const graduate = await call<{ id: string }>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/students`, { displayName: 'Выпускник Виктор', classId: s.classA, email: uniqueEmail('graduate') });
    await call(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/members/${graduate.id}/movement`, { kind: 'graduate' });
    graduateId = graduate.id;
  });

  /** Tries each pair once, in order, on pairs without a direct chat yet; returns each pair's status. */
  async function attempt(pairs: [Name, Name][]) {
    const outcomes: Record<string, number> = {};
    for (const [from, to] of pairs) outcomes[`${from} → ${to}`] = (await openDirect(p[from], s.organizationId, p[to].userId)).statusCode;
    return outcomes;
  }

  it('lets an unconfirmed teacher write to colleagues only, saying why not to students and parents', async () => {
    const refused = await openDirect(p.teacher, s.organizationId, p.student.userId);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/не подтвердил ваш статус учителя/);
    const english = await openDirect(p.teacher, s.organizationId, p.parent.userId, { 'accept-language': 'en' });
    expect(english.statusCode).toBe(403);
    expect(english.json().error.message).toMatch(/confirms your teacher status/);
    expect(await attempt([['teacher', 'classmateParent'], ['teacher', 'studentB'], ['teacher', 'verifiedTeacher'], ['teacher', 'admin'], ['teacher', 'director']])).toEqual({
      'teacher → classmateParent': 403,
      'teacher → studentB': 403,
      'teacher → verifiedTeacher': 201,
      'teacher → admin': 201,
      'teacher → director': 201,
    });
  });

  it('lets a student write to staff and classmates, and to no parent and no one of another class', async () => {
    expect(
      await attempt([
        ['student', 'classTeacher'],
        ['student', 'verifiedTeacher'],
        ['student', 'director'],
        ['student', 'admin'],
        ['student', 'classmate'],
        ['student', 'studentB'],
        ['student', 'parent'], // their own parent: not in the school's space
        ['student', 'classmateParent'],
        ['student', 'parentB'],
        ['studentB', 'student'],
        ['studentB', 'parent'],
      ]),
    ).toEqual({
      'student → classTeacher': 201,
      'student → verifiedTeacher': 201,
      'student → director': 201,
      'student → admin': 201,
      'student → classmate': 201,
      'student → studentB': 403,
      'student → parent': 403,
      'student → classmateParent': 403,
      'student → parentB': 403,
      'studentB → student': 403,
      'studentB → parent': 403,
    });
    // The acceptance point: a student cannot start a chat with a parent of another class, and is told why.
    const refused = await openDirect(p.student, s.organizationId, p.parentB.userId);
    expect(refused.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(refused.json().error.message).toMatch(/сотрудникам школы и одноклассникам/);
    const english = await openDirect(p.student, s.organizationId, p.parentB.userId, { 'accept-language': 'en' });
    expect(english.json().error.message).toMatch(/staff and to classmates/);
  });

  it('lets a parent write to staff and to parents of the same class only', async () => {
    expect(
      await attempt([
        ['parent', 'teacher'],
        ['parent', 'classTeacher'],
        ['parent', 'admin'],
        ['parent', 'classmateParent'], // both in 5А: one placed there and linked, the other linked only
        ['parent', 'parentB'],
        ['parent', 'classmate'],
        ['parentB', 'classmateParent'],
        ['parentB', 'classmate'],
        ['parentB', 'director'],
      ]),
    ).toEqual({
      // A teacher whose status is not confirmed is not reachable by families (nor can reach them).
      'parent → teacher': 403,
      'parent → classTeacher': 201,
      'parent → admin': 201,
      'parent → classmateParent': 201,
      'parent → parentB': 403,
      'parent → classmate': 403,
      'parentB → classmateParent': 403,
      'parentB → classmate': 403,
      'parentB → director': 201,
    });
    const refused = await openDirect(p.parentB, s.organizationId, p.parent.userId);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/родителям своего класса/);
  });

  it('lets administrators, directors and confirmed teachers write to anyone of their organization', async () => {
    const staff: Name[] = ['admin', 'director', 'verifiedTeacher', 'classTeacher'];
    const everyone = Object.keys(p) as Name[];
    const pairs = staff.flatMap((from) => everyone.filter((to) => to !== from).map((to) => [from, to] as [Name, Name]));
    const outcomes = await attempt(pairs);
    for (const [key, status] of Object.entries(outcomes)) expect([200, 201], key).toContain(status);
  });

  it('finds nobody outside the organization (404), refuses oneself (400), and outsiders see nothing (404)', async () => {
    for (const as of [p.student, p.parent, p.admin]) {
      expect((await openDirect(as, s.organizationId, outsider.admin.userId)).statusCode).toBe(404);
      expect((await openDirect(as, s.organizationId, randomUUID())).statusCode).toBe(404);
      // A graduate is not a member any more.
      expect((await openDirect(as, s.organizationId, graduateId)).statusCode).toBe(404);
    }
    const self = await openDirect(p.admin, s.organizationId, p.admin.userId);
    expect(self.statusCode).toBe(400);
    expect(self.json().error.fields.userId).toBeTruthy();
    // Someone of another school asking about this one, or about a person here through their own school.
    expect((await openDirect(outsider.admin, s.organizationId, p.student.userId)).statusCode).toBe(404);
    expect((await openDirect(outsider.admin, outsider.organizationId, p.student.userId)).statusCode).toBe(404);
    expect((await openDirect(null, s.organizationId, p.student.userId)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/api/organizations/${s.organizationId}/contacts`, headers: asUser(outsider.admin) })).statusCode).toBe(404);
  });
});

describe('a direct chat', () => {
  let s: PopulatedSchool;
  let p: People;
  beforeAll(async () => {
    ({ s, people: p } = await schoolForPolicy());
  });

  it('is titled with the other person’s name for each side, and names them as its peer', async () => {
    const opened = await openDirect(p.student, s.organizationId, p.classTeacher.userId);
    expect(opened.statusCode).toBe(201);
    const mine = opened.json<TChat>();
    expect(mine).toMatchObject({
      kind: 'direct',
      organizationId: s.organizationId,
      classId: null,
      title: 'Классная Клавдия',
      peer: { id: p.classTeacher.userId, displayName: 'Классная Клавдия', verifiedTeacher: true },
      memberCount: 2,
      myRole: 'member',
      canWrite: true,
    });
    const theirs = await call<TChat>(t, p.classTeacher, 'GET', `/api/chats/${mine.id}`);
    expect(theirs).toMatchObject({ id: mine.id, title: 'Петров Пётр', peer: { id: p.student.userId, displayName: 'Петров Пётр', verifiedTeacher: false } });
    const { chats } = await call<TListChatsResponse>(t, p.classTeacher, 'GET', '/api/chats');
    expect(chats.find((chat) => chat.id === mine.id)).toMatchObject({ title: 'Петров Пётр', peer: { id: p.student.userId } });
    // The other person heard of it, as they see it.
    const told = await t.database.db.selectFrom('user_events').select('payload').where('user_id', '=', p.classTeacher.userId).where('name', '=', 'chat.created').execute();
    const event = told.map((row) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as { chat: TChat }).find((item) => item.chat.id === mine.id);
    expect(event?.chat).toMatchObject({ title: 'Петров Пётр', peer: { id: p.student.userId } });
    // Others do not see it.
    expect((await t.app.inject({ method: 'GET', url: `/api/chats/${mine.id}`, headers: asUser(p.classmate) })).statusCode).toBe(404);
  });

  it('is opened once: a second open (by either side) returns it with 200', async () => {
    const first = await openDirect(p.parent, s.organizationId, p.verifiedTeacher.userId);
    expect(first.statusCode).toBe(201);
    for (const [as, to] of [
      [p.parent, p.verifiedTeacher],
      [p.verifiedTeacher, p.parent],
    ] as const) {
      const again = await openDirect(as, s.organizationId, to.userId);
      expect(again.statusCode).toBe(200);
      expect(again.json<TChat>().id).toBe(first.json<TChat>().id);
    }
  });

  it('is one chat when both open it at the same moment', async () => {
    const same = await Promise.all([openDirect(p.student, s.organizationId, p.classmate.userId), openDirect(p.student, s.organizationId, p.classmate.userId)]);
    const crossed = await Promise.all([openDirect(p.parent, s.organizationId, p.classmateParent.userId), openDirect(p.classmateParent, s.organizationId, p.parent.userId)]);
    for (const answers of [same, crossed]) {
      expect(answers.map((response) => response.statusCode).sort()).toEqual([200, 201]);
      expect(new Set(answers.map((response) => response.json<TChat>().id)).size).toBe(1);
    }
    for (const [a, b] of [
      [p.student, p.classmate],
      [p.parent, p.classmateParent],
    ] as const) {
      const key = [a.userId, b.userId].sort().join(':');
      const rows = await t.database.db.selectFrom('chats').select('id').where('direct_key', '=', key).execute();
      expect(rows).toHaveLength(1);
      const members = await t.database.db.selectFrom('chat_members').select('user_id').where('chat_id', '=', rows[0]!.id).where('left_at', 'is', null).execute();
      expect(members.map((row) => row.user_id).sort()).toEqual([a.userId, b.userId].sort());
    }
  });
});

describe('the organization’s setting for direct chats between students', () => {
  let s: PopulatedSchool;
  let p: People;
  beforeAll(async () => {
    ({ s, people: p } = await schoolForPolicy());
  });
  const settingsUrl = () => `/api/organizations/${s.organizationId}/chat-settings`;

  it('may be changed by administrators only; members read it', async () => {
    expect(await call(t, p.student, 'GET', settingsUrl())).toMatchObject({ studentsMayMessageEachOther: true });
    for (const as of [p.director, p.classTeacher, p.teacher, p.student, p.parent]) {
      const response = await t.app.inject({ method: 'PUT', url: settingsUrl(), payload: { studentsMayMessageEachOther: false }, headers: asUser(as) });
      expect(response.statusCode).toBe(403);
    }
    const outsider = await registerOrganization(t);
    expect((await t.app.inject({ method: 'PUT', url: settingsUrl(), payload: { studentsMayMessageEachOther: false }, headers: asUser(outsider.admin) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: settingsUrl(), headers: asUser(outsider.admin) })).statusCode).toBe(404);
    expect(await call(t, p.parent, 'GET', settingsUrl())).toMatchObject({ studentsMayMessageEachOther: true });
  });

  it('when off, stops students starting chats with each other (403 with the reason), but not with staff', async () => {
    expect(await call(t, p.admin, 'PUT', settingsUrl(), { studentsMayMessageEachOther: false })).toMatchObject({ studentsMayMessageEachOther: false });
    expect(await call(t, p.student, 'GET', settingsUrl())).toMatchObject({ studentsMayMessageEachOther: false });
    const refused = await openDirect(p.student, s.organizationId, p.classmate.userId);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/только сотрудникам/);
    const english = await openDirect(p.classmate, s.organizationId, p.student.userId, { 'accept-language': 'en' });
    expect(english.statusCode).toBe(403);
    expect(english.json().error.message).toMatch(/staff only/);
    expect((await openDirect(p.student, s.organizationId, p.classTeacher.userId)).statusCode).toBe(201);
    expect((await contactsOf(p.student, s.organizationId)).map((contact) => contact.person.id)).not.toContain(p.classmate.userId);
    // Staff still write to students.
    expect((await openDirect(p.classTeacher, s.organizationId, p.classmate.userId)).statusCode).toBe(201);

    await call(t, p.admin, 'PUT', settingsUrl(), { studentsMayMessageEachOther: true });
    expect((await openDirect(p.student, s.organizationId, p.classmate.userId)).statusCode).toBe(201);
  });
});

describe('contacts', () => {
  let s: PopulatedSchool;
  let p: People;
  let allIds: string[];
  beforeAll(async () => {
    ({ s, people: p } = await schoolForPolicy());
    const { members } = await call<TListMembersResponse>(t, p.admin, 'GET', `/api/organizations/${s.organizationId}/members`);
    allIds = members.map((member) => member.id);
  });

  it('lists exactly the people each one may start a direct chat with', async () => {
    // Restricted people first: once a chat exists, opening it again returns it whoever opens it.
    const order: Name[] = ['teacher', 'student', 'classmate', 'studentB', 'parent', 'classmateParent', 'parentB', 'verifiedTeacher', 'classTeacher', 'director', 'admin'];
    const allowedPairs = new Set<string>();
    const tally = { opened: 0, refused: 0 };
    for (const name of order) {
      const me = p[name];
      const contacts = await contactsOf(me, s.organizationId);
      const listed = contacts.map((contact) => contact.person.id).sort();
      expect(listed).not.toContain(me.userId);
      const allowed: string[] = [];
      for (const userId of allIds.filter((id) => id !== me.userId)) {
        if (allowedPairs.has([me.userId, userId].sort().join(':'))) {
          // Opened from the other side already (opening it again would return it whoever asks). In
          // this order that happens only where the policy allows both ways: staff, classmates, parents of one class.
          allowed.push(userId);
          continue;
        }
        const status = (await openDirect(me, s.organizationId, userId)).statusCode;
        expect([201, 403], `${name} → ${userId}`).toContain(status);
        tally[status === 201 ? 'opened' : 'refused'] += 1;
        if (status === 201) {
          allowed.push(userId);
          allowedPairs.add([me.userId, userId].sort().join(':'));
        }
      }
      expect(listed, name).toEqual(allowed.sort());
    }
    // Both answers occurred often enough for the comparison to mean something.
    expect(tally.opened).toBeGreaterThan(40);
    expect(tally.refused).toBeGreaterThan(20);
  });

  it('gives each contact their name, badge and roles, sorted by name', async () => {
    const contacts = await contactsOf(p.student, s.organizationId);
    expect(contacts.map((contact) => contact.person.displayName)).toEqual(
      [...contacts.map((contact) => contact.person.displayName)].sort((a, b) => a.localeCompare(b, 'ru')),
    );
    expect(contacts.find((contact) => contact.person.id === p.classTeacher.userId)).toEqual({
      person: { id: p.classTeacher.userId, displayName: 'Классная Клавдия', verifiedTeacher: true },
      roles: ['teacher'],
    });
    expect(contacts.find((contact) => contact.person.id === p.classmate.userId)).toMatchObject({ roles: ['student'] });
    const byRole = (contact: Contact) => contact.roles;
    expect(contacts.flatMap(byRole)).not.toContain('parent');
  });
});

describe('a person with two roles', () => {
  it('lets an unconfirmed teacher who is also a parent of the class write to its parents, as a parent', async () => {
    const { s, people: p } = await schoolForPolicy();
    // The unconfirmed teacher's child studies in 5А.
    await call(t, p.admin, 'POST', `/api/organizations/${s.organizationId}/members/${p.teacher.userId}/children`, { childId: p.classmate.userId });
    const asParent = await openDirect(p.teacher, s.organizationId, p.parent.userId);
    expect(asParent.statusCode, asParent.body).toBe(201);
    expect((await contactsOf(p.teacher, s.organizationId)).map((contact) => contact.person.id)).toContain(p.classmateParent.userId);
    // Still not to students, nor to parents of another class.
    expect((await openDirect(p.teacher, s.organizationId, p.student.userId)).statusCode).toBe(403);
    expect((await openDirect(p.teacher, s.organizationId, p.parentB.userId)).statusCode).toBe(403);
  });
});
