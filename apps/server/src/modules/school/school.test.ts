import type { TClass, TClassDetail, TListClassesResponse, TListMembersResponse, TMember } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, latestCode, signIn, startTestApp, type TestApp } from '../../test/harness.ts';
import { registerOrganization } from '../../test/organizations.ts';
import { call, createClass, populateSchool, uniqueEmail, type PopulatedSchool } from '../../test/school.ts';

let t: TestApp;
let s: PopulatedSchool;
const org = () => `/api/organizations/${s.organizationId}`;

beforeAll(async () => {
  t = await startTestApp();
  s = await populateSchool(t);
});
afterAll(async () => {
  await t.close();
});

describe('classes and the staff room', () => {
  it('creates «Учительская» with the school, and every staff member is in it', async () => {
    const { classes } = await call<TListClassesResponse>(t, s.admin, 'GET', `${org()}/classes`);
    const staffRoom = classes.find((item) => item.kind === 'staff_room')!;
    expect(staffRoom.name).toBe('Учительская');
    const detail = await call<TClassDetail>(t, s.admin, 'GET', `${org()}/classes/${staffRoom.id}`);
    const ids = detail.members.map((member) => member.id).sort();
    expect(ids).toEqual([s.admin.userId, s.director.userId, s.teacher.userId, s.verifiedTeacher.userId, s.classTeacher.userId].sort());
  });

  it('shows staff every class, and a student or parent only their own', async () => {
    const names = async (who: typeof s.admin) => (await call<TListClassesResponse>(t, who, 'GET', `${org()}/classes`)).classes.map((item) => item.name);
    expect(await names(s.teacher)).toEqual(['Учительская', '5А', '5Б']);
    expect(await names(s.student)).toEqual(['5А']);
    const parentView = await call<TListClassesResponse>(t, s.parent, 'GET', `${org()}/classes`);
    expect(parentView.classes.map((item) => item.name)).toEqual(['5А']);
    expect(parentView.classes[0]!.myChildren.map((child) => child.displayName)).toEqual(['Петров Пётр']);
    expect(parentView.classes[0]!.myPlaces).toEqual(expect.arrayContaining(['parent', 'child']));
  });

  it('hides another class from a student as if it did not exist', async () => {
    const response = await t.app.inject({ method: 'GET', url: `${org()}/classes/${s.classB}`, headers: asUser(s.student) });
    expect(response.statusCode).toBe(404);
  });

  it('refuses a second class with the same name in a year, with a clear message', async () => {
    const response = await t.app.inject({ method: 'POST', url: `${org()}/classes`, payload: { name: '5а', grade: 5, academicYear: '2026/2027' }, headers: asUser(s.admin) });
    if (response.statusCode === 201) throw new Error('created a duplicate class');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.name).toMatch(/уже есть/);
  });

  it('refuses a malformed academic year and grade in Russian', async () => {
    const response = await t.app.inject({ method: 'POST', url: `${org()}/classes`, payload: { name: '7В', grade: 40, academicYear: '2026/2029' }, headers: asUser(s.admin) });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual(['academicYear', 'grade']);
    expect(response.json().error.fields.academicYear).toBe('учебный год в виде 2026/2027');
  });

  it('lets only teachers of the school be class teachers', async () => {
    const response = await t.app.inject({ method: 'PUT', url: `${org()}/classes/${s.classB}/class-teachers`, payload: { userIds: [s.parent.userId] }, headers: asUser(s.admin) });
    expect(response.statusCode).toBe(400);
    const set = await call<TClass>(t, s.admin, 'PUT', `${org()}/classes/${s.classB}/class-teachers`, { userIds: [s.verifiedTeacher.userId] });
    expect(set.classTeachers).toEqual([{ id: s.verifiedTeacher.userId, displayName: '', verifiedTeacher: true }]);
  });
});

describe('members and privacy', () => {
  it('gives contacts to administrators and to the person only', async () => {
    const asAdmin = await call<TMember>(t, s.admin, 'GET', `${org()}/members/${s.parent.userId}`);
    expect(asAdmin.email).toBe(s.parentEmail);
    const asTeacher = await call<TMember>(t, s.teacher, 'GET', `${org()}/members/${s.parent.userId}`);
    expect(asTeacher.email).toBeNull();
    expect(asTeacher.phone).toBeNull();
    const asSelf = await call<TMember>(t, s.parent, 'GET', `${org()}/members/${s.parent.userId}`);
    expect(asSelf.email).toBe(s.parentEmail);
    const classList = await call<TClassDetail>(t, s.student, 'GET', `${org()}/classes/${s.classA}`);
    for (const member of classList.members.filter((m) => m.id !== s.student.userId)) expect([member.email, member.phone, member.guardianEmail]).toEqual([null, null, null]);
  });

  it('lets a student see staff and classmates, not a student of another class', async () => {
    expect((await t.app.inject({ method: 'GET', url: `${org()}/members/${s.verifiedTeacher.userId}`, headers: asUser(s.student) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `${org()}/members/${s.otherStudentId}`, headers: asUser(s.student) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `${org()}/members`, headers: asUser(s.student) })).statusCode).toBe(403);
  });

  it('filters people by role, class, name and pending verification', async () => {
    const list = async (query: string) => (await call<TListMembersResponse>(t, s.admin, 'GET', `${org()}/members?${query}`)).members.map((member) => member.id);
    expect(await list('pendingVerification=true')).toEqual([s.teacher.userId]);
    expect((await list('role=student')).sort()).toEqual([s.student.userId, s.otherStudentId].sort());
    expect(await list(`classId=${s.classB}&role=student`)).toEqual([s.otherStudentId]);
    expect(await list(`q=${encodeURIComponent('сидор')}`)).toEqual([s.otherStudentId]);
    // «ё» and «е» are the same letter to a person searching.
    expect(await list(`q=${encodeURIComponent('петров петр')}`)).toEqual([s.student.userId]);
  });

  it('shows the verified badge, and withdrawing it takes it away', async () => {
    let member = await call<TMember>(t, s.admin, 'POST', `${org()}/members/${s.teacher.userId}/verification`, {});
    expect([member.verifiedTeacher, member.verificationPending]).toEqual([true, false]);
    member = await call<TMember>(t, s.admin, 'DELETE', `${org()}/members/${s.teacher.userId}/verification`);
    expect([member.verifiedTeacher, member.verificationPending]).toEqual([false, true]);
  });

  it('never lets the last administrator step down', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: `${org()}/members/${s.admin.userId}/roles/administrator`, headers: asUser(s.admin) });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toMatch(/последнего администратора/);
  });

  it('tells the person when their roles change, by a real-time event', async () => {
    const before = await t.database.db.selectFrom('user_events').select('name').where('user_id', '=', s.teacher.userId).execute();
    await call(t, s.admin, 'POST', `${org()}/members/${s.teacher.userId}/roles`, { role: 'director' });
    const after = await t.database.db.selectFrom('user_events').select(['name', 'payload']).where('user_id', '=', s.teacher.userId).execute();
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({ name: 'membership.changed', payload: { organizationId: s.organizationId } });
    await call(t, s.admin, 'DELETE', `${org()}/members/${s.teacher.userId}/roles/director`);
  });
});

describe('movement', () => {
  it('transfers a student: the old class loses them at once, history stays', async () => {
    const student = await call<TMember>(t, s.admin, 'POST', `${org()}/students`, { displayName: 'Кузнецов Иван', classId: s.classA, email: uniqueEmail('ivan') });
    const moved = await call<TMember>(t, s.admin, 'POST', `${org()}/members/${student.id}/movement`, { kind: 'transfer', classId: s.classB });
    expect(moved.classes.map((place) => place.name)).toEqual(['5Б']);
    const history = await t.database.db.selectFrom('class_members').select(['class_id', 'left_reason']).where('user_id', '=', student.id).orderBy('joined_at').execute();
    expect(history).toEqual([
      { class_id: s.classA, left_reason: 'transferred' },
      { class_id: s.classB, left_reason: null },
    ]);
  });

  it('ends access at once when a student leaves', async () => {
    const email = uniqueEmail('leaver');
    const student = await call<TMember>(t, s.admin, 'POST', `${org()}/students`, { displayName: 'Уходящий Ученик', classId: s.classA, email });
    const session = await signIn(t, email);
    expect((await t.app.inject({ method: 'GET', url: `${org()}/classes/${s.classA}`, headers: asUser(session) })).statusCode).toBe(200);
    await call(t, s.admin, 'POST', `${org()}/members/${student.id}/movement`, { kind: 'leave' });
    expect((await t.app.inject({ method: 'GET', url: `${org()}/classes/${s.classA}`, headers: asUser(session) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `${org()}`, headers: asUser(session) })).statusCode).toBe(404);
  });

  it('takes a leaving teacher out of their classes and the staff room', async () => {
    const teacherEmail = uniqueEmail('leaving.teacher');
    const link = await call<{ token: string }>(t, s.admin, 'POST', `${org()}/invitations`, { role: 'teacher', classId: s.classB });
    const teacher = await signIn(t, teacherEmail);
    await call(t, teacher, 'POST', `/api/invitations/${link.token}/accept`, {});
    expect((await call<TMember>(t, s.admin, 'GET', `${org()}/members/${teacher.userId}`)).classes.map((place) => place.place).sort()).toEqual(['staff', 'teacher']);
    await call(t, s.admin, 'DELETE', `${org()}/members/${teacher.userId}/roles/teacher`);
    expect((await t.app.inject({ method: 'GET', url: `${org()}/members/${teacher.userId}`, headers: asUser(s.admin) })).statusCode).toBe(404);
    const places = await t.database.db.selectFrom('class_members').select('left_at').where('user_id', '=', teacher.userId).execute();
    expect(places.every((place) => place.left_at !== null)).toBe(true);
  });
});

describe('families and young students', () => {
  it('registers a young student with a parent’s e-mail, who then chooses the account at sign-in', async () => {
    const guardian = uniqueEmail('mama');
    const child = await call<TMember>(t, s.admin, 'POST', `${org()}/students`, { displayName: 'Маша Смирнова', classId: s.classA, guardianEmail: guardian });
    expect(child.guardianEmail).toBe(guardian);
    expect(child.email).toBeNull();
    expect(child.parents).toHaveLength(1);

    await call(t, null, 'POST', '/api/auth/code', { destination: guardian });
    const code = latestCode(t, guardian);
    const choice = await call<{ status: string; accounts: { id: string; displayName: string; isYoungStudent: boolean }[] }>(t, null, 'POST', '/api/auth/verify', { destination: guardian, code });
    expect(choice.status).toBe('choose_account');
    expect(choice.accounts.map((account) => [account.displayName, account.isYoungStudent])).toEqual([
      ['', false],
      ['Маша Смирнова', true],
    ]);
    const signedIn = await call<{ status: string; me: { id: string } }>(t, null, 'POST', '/api/auth/verify', { destination: guardian, code, accountId: child.id });
    expect(signedIn).toMatchObject({ status: 'signed_in', me: { id: child.id } });
    // The code is spent now, and an account it does not open is refused.
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { destination: guardian, code, accountId: s.admin.userId } });
    expect(again.statusCode).toBe(400);
  });

  it('links a parent to children in two schools; each school sees only its own child', async () => {
    const other = await registerOrganization(t);
    const otherClass = await createClass(t, other.admin, other.organizationId, '2В', 2);
    const sibling = await call<TMember>(t, other.admin, 'POST', `/api/organizations/${other.organizationId}/students`, { displayName: 'Петров Павел', classId: otherClass, guardianEmail: s.parentEmail });
    expect(sibling.parents.map((p) => p.id)).toEqual([s.parent.userId]);
    const here = await call<TMember>(t, s.admin, 'GET', `${org()}/members/${s.parent.userId}`);
    expect(here.children.map((child) => child.displayName)).toEqual(['Петров Пётр']);
    const there = await call<TMember>(t, other.admin, 'GET', `/api/organizations/${other.organizationId}/members/${s.parent.userId}`);
    expect(there.children.map((child) => child.displayName)).toEqual(['Петров Павел']);
    const organizations = await call<{ organizations: { id: string }[] }>(t, s.parent, 'GET', '/api/organizations');
    expect(organizations.organizations.map((o) => o.id).sort()).toEqual([s.organizationId, other.organizationId].sort());
  });
});

describe('another school', () => {
  it('sees nothing of this one: every id answers 404', async () => {
    const other = await registerOrganization(t);
    for (const url of [org(), `${org()}/classes`, `${org()}/classes/${s.classA}`, `${org()}/members`, `${org()}/members/${s.student.userId}`, `${org()}/invitations`, `${org()}/join-requests`]) {
      const response = await t.app.inject({ method: 'GET', url, headers: asUser(other.admin) });
      expect(response.statusCode, url).toBe(404);
    }
    // And its own class ids do not open this school's classes.
    const own = await createClass(t, other.admin, other.organizationId, '9А', 9);
    expect((await t.app.inject({ method: 'GET', url: `${org()}/classes/${own}`, headers: asUser(s.admin) })).statusCode).toBe(404);
  });
});
