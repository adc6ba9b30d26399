import { randomUUID } from 'node:crypto';
import type { TChat, TMessage, TListChatsResponse, TListClassesResponse, TListMessagesResponse, TRosterImportResult } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, createClass, joinByLink, populateSchool, uniqueEmail, type PopulatedSchool } from '../../test/school.ts';

// Class chats and parents' chats (PRODUCT.md §4, §2 «Movement»): who may open them, who is in
// them, and how their members follow the roster — transfers, graduation, leaving, new students,
// family links, the CSV import — without bringing back whoever was removed or left.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type Kind = 'class' | 'parents';

const openChat = (as: SignedIn | null, classId: string, kind: Kind, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/api/classes/${classId}/chats`, payload: { kind }, headers: { ...(as ? asUser(as) : {}), ...headers } });

/** The chat's current members and their chat roles, read from the database (the ground truth). */
async function membersOf(chatId: string): Promise<Record<string, 'admin' | 'member'>> {
  const rows = await t.database.db.selectFrom('chat_members').select(['user_id', 'role']).where('chat_id', '=', chatId).where('left_at', 'is', null).execute();
  return Object.fromEntries(rows.map((row) => [row.user_id, row.role]));
}

type SystemLine = { action: string; actor: string | null; subjects: string[] };
/** The chat's system messages, oldest first: what happened and to whom (ids). */
async function systemMessages(chatId: string): Promise<SystemLine[]> {
  const rows = await t.database.db.selectFrom('messages').select(['seq', 'system']).where('chat_id', '=', chatId).where('kind', '=', 'system').orderBy('seq').execute();
  return rows.map((row) => {
    const event = (typeof row.system === 'string' ? JSON.parse(row.system) : row.system) as { action: string; actor: { id: string } | null; subjects: { id: string }[] };
    return { action: event.action, actor: event.actor?.id ?? null, subjects: event.subjects.map((subject) => subject.id).sort() };
  });
}

/** The payloads of one kind of event the person was sent, oldest first. */
async function eventsOf<T>(userId: string, name: string): Promise<T[]> {
  const rows = await t.database.db.selectFrom('user_events').select('payload').where('user_id', '=', userId).where('name', '=', name).orderBy('seq').execute();
  return rows.map((row) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as T);
}
/** Of these chat ids, those of chats bound to a class (other kinds of chat are not this file's business). */
async function classBound(chatIds: string[]): Promise<string[]> {
  if (chatIds.length === 0) return [];
  const rows = await t.database.db.selectFrom('chats').select('id').where('id', 'in', chatIds).where('class_id', 'is not', null).execute();
  const bound = new Set(rows.map((row) => row.id));
  return chatIds.filter((id) => bound.has(id));
}
/** The class and parents' chats the person was told they joined / left, oldest first. */
const createdChatIds = async (userId: string) => classBound((await eventsOf<{ chat: TChat }>(userId, 'chat.created')).map((event) => event.chat.id));
const removedChatIds = async (userId: string) => classBound((await eventsOf<{ chatId: string }>(userId, 'chat.removed')).map((event) => event.chatId));
/** The class and parents' chats in the person's list. */
const listedClassChats = async (as: SignedIn) => (await call<TListChatsResponse>(t, as, 'GET', '/api/chats')).chats.filter((chat) => chat.classId !== null).map((chat) => chat.id);

const sorted = (ids: readonly string[]) => [...ids].sort();

describe('opening a class chat or a parents’ chat', () => {
  let s: PopulatedSchool;
  let classC: string;
  beforeAll(async () => {
    s = await populateSchool(t);
    // 5В, whose class teacher's status is not confirmed yet.
    classC = await createClass(t, s.admin, s.organizationId, '5В');
    await call(t, s.admin, 'PUT', `/api/organizations/${s.organizationId}/classes/${classC}/class-teachers`, { userIds: [s.teacher.userId] });
  });

  it('refuses everyone but administrators and the verified class teacher, as the class policies say', async () => {
    const other = await populateSchool(t);
    const refusals: [string, SignedIn | null, string, number][] = [
      ['anonymous', null, s.classA, 401],
      ['the administrator of another school', other.admin, s.classA, 404],
      ['a director', s.director, s.classA, 403],
      ['a verified teacher who is not the class teacher', s.verifiedTeacher, s.classA, 403],
      ['an unverified teacher', s.teacher, s.classA, 403],
      ['an unverified class teacher', s.teacher, classC, 403],
      ['the class teacher of another class', s.classTeacher, s.classB, 403],
      ['a student of the class', s.student, s.classA, 403],
      ['a parent of the class', s.parent, s.classA, 403],
      ['a student of another class', s.student, s.classB, 404],
      ['a parent of another class', s.parent, s.classB, 404],
      ['anyone, for a class that does not exist', s.admin, randomUUID(), 404],
      ['anyone, for a class of another school', s.admin, other.classA, 404],
    ];
    const outcomes: Record<string, number> = {};
    for (const [who, as, classId] of refusals) {
      for (const kind of ['class', 'parents'] as const) outcomes[`${who} (${kind})`] = (await openChat(as, classId, kind)).statusCode;
    }
    expect(outcomes).toEqual(Object.fromEntries(refusals.flatMap(([who, , , status]) => [[`${who} (class)`, status], [`${who} (parents)`, status]])));
    const made = await t.database.db.selectFrom('chats').select('id').where('class_id', 'in', [s.classA, s.classB, classC]).execute();
    expect(made).toEqual([]);
  });

  it('lets the verified class teacher open it (201); a second call returns the same chat (200)', async () => {
    const first = await openChat(s.classTeacher, s.classA, 'class');
    expect(first.statusCode).toBe(201);
    const chat = first.json<TChat>();
    expect(chat).toMatchObject({ kind: 'class', classId: s.classA, title: '5А', organizationId: s.organizationId, myRole: 'admin', peer: null, canWrite: true });
    const again = await openChat(s.classTeacher, s.classA, 'class');
    expect(again.statusCode).toBe(200);
    expect(again.json<TChat>().id).toBe(chat.id);
    // Two simultaneous first opens of the parents' chat make one chat.
    const both = await Promise.all([openChat(s.classTeacher, s.classA, 'parents'), openChat(s.classTeacher, s.classA, 'parents')]);
    expect(both.map((response) => response.statusCode).sort()).toEqual([200, 201]);
    expect(new Set(both.map((response) => response.json<TChat>().id)).size).toBe(1);
    expect(both[0]!.json<TChat>()).toMatchObject({ kind: 'parents', classId: s.classA, title: '5А — родители' });
    const rows = await t.database.db.selectFrom('chats').select(['id', 'kind']).where('class_id', '=', s.classA).execute();
    expect(rows.map((row) => row.kind).sort()).toEqual(['class', 'parents']);
  });

  it('lets an administrator open one with its own title; an administrator outside an existing chat joins it openly', async () => {
    const opened = await t.app.inject({ method: 'POST', url: `/api/classes/${s.classB}/chats`, payload: { kind: 'class', title: 'Наш 5Б' }, headers: asUser(s.admin) });
    expect(opened.statusCode).toBe(201);
    expect(opened.json<TChat>()).toMatchObject({ kind: 'class', classId: s.classB, title: 'Наш 5Б', myRole: 'admin' });
    expect((await openChat(s.admin, s.classB, 'class')).json<TChat>().id).toBe(opened.json<TChat>().id);
    // 5А's class chat was opened by its class teacher; the administrator was not in it and now joins, with a notice to all.
    const existing = await openChat(s.admin, s.classA, 'class');
    expect(existing.statusCode).toBe(200);
    expect(existing.json<TChat>()).toMatchObject({ classId: s.classA, kind: 'class', myRole: 'admin' });
    const { messages } = await call<{ messages: TMessage[] }>(t, s.classTeacher, 'GET', `/api/chats/${existing.json<TChat>().id}/messages`);
    expect(messages[0]?.system).toMatchObject({ action: 'joined', subjects: [{ id: s.admin.userId }] });
  });

  it('has no class chat for the staff room (409) and refuses other kinds (400)', async () => {
    const { classes } = await call<TListClassesResponse>(t, s.admin, 'GET', `/api/organizations/${s.organizationId}/classes`);
    const staffRoom = classes.find((item) => item.kind === 'staff_room')!;
    for (const kind of ['class', 'parents'] as const) {
      const response = await openChat(s.admin, staffRoom.id, kind);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.message).toMatch(/[Уу]чительск/);
    }
    const english = await openChat(s.admin, staffRoom.id, 'class', { 'accept-language': 'en' });
    expect(english.json().error.message).toMatch(/staff room/);
    for (const payload of [{ kind: 'group' }, { kind: 'direct' }, {}, { kind: 'class', title: '' }, { kind: 'class', extra: 1 }]) {
      const response = await t.app.inject({ method: 'POST', url: `/api/classes/${s.classA}/chats`, payload, headers: asUser(s.admin) });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(await t.database.db.selectFrom('chats').select('id').where('class_id', '=', staffRoom.id).execute()).toEqual([]);
  });
});

describe('members follow the roster', () => {
  let s: PopulatedSchool;
  let org: string;
  /** A teacher placed in 5А as a subject teacher (by a class link). */
  let subjectTeacher: SignedIn;
  /** A parent of 5Б's student, linked (not placed in the class). */
  let parentB: SignedIn;
  const chats = { classA: '', parentsA: '', classB: '', parentsB: '' };

  /** A new student of a class with a signed-in session, and a parent linked to them who joined the school without a class. */
  async function studentWithParent(classId: string, name: string) {
    const email = uniqueEmail('student');
    const student = await call<{ id: string }>(t, s.admin, 'POST', `${org}/students`, { displayName: name, classId, email });
    const parent = (await joinByLink(t, s.admin, s.organizationId, { role: 'parent' })).person;
    await call(t, s.admin, 'POST', `${org}/members/${parent.userId}/children`, { childId: student.id });
    return { student: await signIn(t, email), parent };
  }

  beforeAll(async () => {
    s = await populateSchool(t);
    org = `/api/organizations/${s.organizationId}`;
    subjectTeacher = (await joinByLink(t, s.admin, s.organizationId, { role: 'teacher', classId: s.classA })).person;
    parentB = (await joinByLink(t, s.admin, s.organizationId, { role: 'parent' })).person;
    await call(t, s.admin, 'POST', `${org}/members/${parentB.userId}/children`, { childId: s.otherStudentId });
    for (const [key, classId, kind] of [
      ['classA', s.classA, 'class'],
      ['parentsA', s.classA, 'parents'],
      ['classB', s.classB, 'class'],
      ['parentsB', s.classB, 'parents'],
    ] as const) {
      const response = await openChat(s.admin, classId, kind);
      expect(response.statusCode).toBe(201);
      chats[key] = response.json<TChat>().id;
    }
  });

  it('puts the class’s students and teachers in the class chat (teachers as its administrators), and no one else', async () => {
    expect(await membersOf(chats.classA)).toEqual({
      [s.admin.userId]: 'admin', // who opened it
      [s.classTeacher.userId]: 'admin',
      [subjectTeacher.userId]: 'admin',
      [s.student.userId]: 'member',
    });
    expect(await membersOf(chats.classB)).toEqual({ [s.admin.userId]: 'admin', [s.otherStudentId]: 'member' });
    // Everyone it concerns was told; a new chat made from the roster needs no «joined» notices.
    for (const userId of [s.classTeacher.userId, subjectTeacher.userId, s.student.userId]) expect(await createdChatIds(userId)).toContain(chats.classA);
    expect(await systemMessages(chats.classA)).toEqual([]);
    const asStudent = await call<TChat>(t, s.student, 'GET', `/api/chats/${chats.classA}`);
    expect(asStudent).toMatchObject({ kind: 'class', classId: s.classA, memberCount: 4, myRole: 'member', unreadCount: 0 });
    // Parents do not see the class chat.
    expect((await t.app.inject({ method: 'GET', url: `/api/chats/${chats.classA}`, headers: asUser(s.parent) })).statusCode).toBe(404);
  });

  it('puts the parents of the class’s students (linked, or placed in the class) and its class teachers in the parents’ chat', async () => {
    expect(await membersOf(chats.parentsA)).toEqual({
      [s.admin.userId]: 'admin',
      [s.classTeacher.userId]: 'admin',
      [s.parent.userId]: 'member',
    });
    // 5Б has no class teacher; its student's linked parent is there.
    expect(await membersOf(chats.parentsB)).toEqual({ [s.admin.userId]: 'admin', [parentB.userId]: 'member' });
    expect(await listedClassChats(s.parent)).toEqual([chats.parentsA]);
    expect(await listedClassChats(s.student)).toEqual([chats.classA]);
  });

  it('moves a transferred student to the new class’s chat and their parent to its parents’ chat; their messages stay', async () => {
    const { student, parent } = await studentWithParent(s.classA, 'Переводов Павел');
    expect((await membersOf(chats.classA))[student.userId]).toBe('member');
    expect((await membersOf(chats.parentsA))[parent.userId]).toBe('member');
    const said = await call<{ id: string }>(t, student, 'POST', `/api/chats/${chats.classA}/messages`, { clientId: randomUUID(), text: 'Всем пока, я перехожу в 5Б!' });
    const before = { studentCreated: await createdChatIds(student.userId), parentCreated: await createdChatIds(parent.userId) };

    await call(t, s.admin, 'POST', `${org}/members/${student.userId}/movement`, { kind: 'transfer', classId: s.classB });

    // Out of 5А's chats: told, a «left» line for the others, and the chat is gone for them.
    expect(await membersOf(chats.classA)).not.toHaveProperty(student.userId);
    expect(await membersOf(chats.parentsA)).not.toHaveProperty(parent.userId);
    expect(await removedChatIds(student.userId)).toEqual([chats.classA]);
    expect(await removedChatIds(parent.userId)).toEqual([chats.parentsA]);
    expect((await systemMessages(chats.classA)).at(-1)).toEqual({ action: 'left', actor: null, subjects: [student.userId] });
    expect((await systemMessages(chats.parentsA)).at(-1)).toEqual({ action: 'left', actor: null, subjects: [parent.userId] });
    for (const url of [`/api/chats/${chats.classA}`, `/api/chats/${chats.classA}/messages`]) {
      expect((await t.app.inject({ method: 'GET', url, headers: asUser(student) })).statusCode, url).toBe(404);
    }
    const refused = await t.app.inject({ method: 'POST', url: `/api/chats/${chats.classA}/messages`, payload: { clientId: randomUUID(), text: 'А я тут?' }, headers: asUser(student) });
    expect(refused.statusCode).toBe(404);
    // The message they wrote stays in 5А's history.
    const history = await call<TListMessagesResponse>(t, s.classTeacher, 'GET', `/api/chats/${chats.classA}/messages`);
    expect(history.messages.map((message) => message.id)).toContain(said.id);

    // Into 5Б's chats: told, and a «joined» line.
    expect((await membersOf(chats.classB))[student.userId]).toBe('member');
    expect((await membersOf(chats.parentsB))[parent.userId]).toBe('member');
    expect((await createdChatIds(student.userId)).slice(before.studentCreated.length)).toEqual([chats.classB]);
    expect((await createdChatIds(parent.userId)).slice(before.parentCreated.length)).toEqual([chats.parentsB]);
    expect((await systemMessages(chats.classB)).at(-1)).toEqual({ action: 'joined', actor: null, subjects: [student.userId] });
    expect((await systemMessages(chats.parentsB)).at(-1)).toEqual({ action: 'joined', actor: null, subjects: [parent.userId] });
    expect(await listedClassChats(student)).toEqual([chats.classB]);
    // Nothing before they joined is shown to them in the new chat.
    const newHistory = await call<TListMessagesResponse>(t, student, 'GET', `/api/chats/${chats.classB}/messages`);
    expect(newHistory.messages.map((message) => message.kind)).toEqual(['system']);
  });

  it('takes out a student who graduates or leaves, their parents, and a teacher who leaves the school', async () => {
    const graduate = await studentWithParent(s.classA, 'Выпускников Глеб');
    const leaver = await studentWithParent(s.classA, 'Уходов Лев');
    await call(t, s.admin, 'POST', `${org}/members/${graduate.student.userId}/movement`, { kind: 'graduate' });
    await call(t, s.admin, 'POST', `${org}/members/${leaver.student.userId}/movement`, { kind: 'leave' });
    const classMembers = await membersOf(chats.classA);
    const parentMembers = await membersOf(chats.parentsA);
    for (const { student, parent } of [graduate, leaver]) {
      expect(classMembers).not.toHaveProperty(student.userId);
      expect(parentMembers).not.toHaveProperty(parent.userId);
      expect(await removedChatIds(student.userId)).toEqual([chats.classA]);
      expect(await removedChatIds(parent.userId)).toEqual([chats.parentsA]);
      expect((await t.app.inject({ method: 'GET', url: `/api/chats/${chats.classA}/messages`, headers: asUser(student) })).statusCode).toBe(404);
    }
    const lines = await systemMessages(chats.classA);
    expect(lines.slice(-2)).toEqual([
      { action: 'left', actor: null, subjects: [graduate.student.userId] },
      { action: 'left', actor: null, subjects: [leaver.student.userId] },
    ]);

    const teacher = (await joinByLink(t, s.admin, s.organizationId, { role: 'teacher', classId: s.classA })).person;
    expect((await membersOf(chats.classA))[teacher.userId]).toBe('admin');
    await call(t, s.admin, 'DELETE', `${org}/members/${teacher.userId}/roles/teacher`);
    expect(await membersOf(chats.classA)).not.toHaveProperty(teacher.userId);
    expect(await removedChatIds(teacher.userId)).toEqual([chats.classA]);
  });

  it('adds a student added by the school or by a class link, with their linked parent, each with a «joined» line', async () => {
    const guardianEmail = uniqueEmail('guardian');
    const young = await call<{ id: string; parents: { id: string }[] }>(t, s.admin, 'POST', `${org}/students`, { displayName: 'Малышева Маша', classId: s.classA, guardianEmail });
    const guardianId = young.parents[0]!.id;
    expect((await membersOf(chats.classA))[young.id]).toBe('member');
    expect((await membersOf(chats.parentsA))[guardianId]).toBe('member');
    expect((await systemMessages(chats.classA)).at(-1)).toEqual({ action: 'joined', actor: null, subjects: [young.id] });
    expect((await systemMessages(chats.parentsA)).at(-1)).toEqual({ action: 'joined', actor: null, subjects: [guardianId] });
    expect(await createdChatIds(young.id)).toEqual([chats.classA]);
    expect(await createdChatIds(guardianId)).toEqual([chats.parentsA]);

    const byLink = (await joinByLink(t, s.classTeacher, s.organizationId, { role: 'student', classId: s.classA })).person;
    expect((await membersOf(chats.classA))[byLink.userId]).toBe('member');
    expect((await systemMessages(chats.classA)).at(-1)).toEqual({ action: 'joined', actor: null, subjects: [byLink.userId] });
    expect(await listedClassChats(byLink)).toEqual([chats.classA]);

    const parentByLink = (await joinByLink(t, s.classTeacher, s.organizationId, { role: 'parent', classId: s.classA })).person;
    expect((await membersOf(chats.parentsA))[parentByLink.userId]).toBe('member');
    expect(await membersOf(chats.classA)).not.toHaveProperty(parentByLink.userId);
    // A student of 5А is not put in 5Б's chats, nor a parent of 5А.
    expect(await membersOf(chats.classB)).not.toHaveProperty(byLink.userId);
    expect(await membersOf(chats.parentsB)).not.toHaveProperty(parentByLink.userId);
  });

  it('adds a parent linked to a student of the class, and takes them out when unlinked', async () => {
    const parent = (await joinByLink(t, s.admin, s.organizationId, { role: 'parent' })).person;
    expect(await membersOf(chats.parentsA)).not.toHaveProperty(parent.userId);
    await call(t, s.admin, 'POST', `${org}/members/${parent.userId}/children`, { childId: s.student.userId });
    expect((await membersOf(chats.parentsA))[parent.userId]).toBe('member');
    expect((await systemMessages(chats.parentsA)).at(-1)).toEqual({ action: 'joined', actor: null, subjects: [parent.userId] });
    expect(await createdChatIds(parent.userId)).toEqual([chats.parentsA]);
    expect(await listedClassChats(parent)).toEqual([chats.parentsA]);

    await call(t, s.admin, 'DELETE', `${org}/members/${parent.userId}/children/${s.student.userId}`);
    expect(await membersOf(chats.parentsA)).not.toHaveProperty(parent.userId);
    expect((await systemMessages(chats.parentsA)).at(-1)).toEqual({ action: 'left', actor: null, subjects: [parent.userId] });
    expect(await removedChatIds(parent.userId)).toEqual([chats.parentsA]);
    expect((await t.app.inject({ method: 'GET', url: `/api/chats/${chats.parentsA}/messages`, headers: asUser(parent) })).statusCode).toBe(404);
  });

  it('does not bring back a member removed by a chat administrator or one who left', async () => {
    const removed = await studentWithParent(s.classA, 'Удалёнов Ус');
    const quitter = await studentWithParent(s.classA, 'Ушедшая Уля');
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/chats/${chats.classA}/members/${removed.student.userId}`, headers: asUser(s.classTeacher) });
    expect(deleted.statusCode).toBe(204);
    expect((await systemMessages(chats.classA)).at(-1)).toEqual({ action: 'removed', actor: s.classTeacher.userId, subjects: [removed.student.userId] });
    expect(await removedChatIds(removed.student.userId)).toEqual([chats.classA]);
    const left = await t.app.inject({ method: 'POST', url: `/api/chats/${chats.classA}/leave`, headers: asUser(quitter.student) });
    expect(left.statusCode).toBe(204);
    expect((await systemMessages(chats.classA)).at(-1)).toEqual({ action: 'left', actor: null, subjects: [quitter.student.userId] });
    expect((await t.app.inject({ method: 'POST', url: `/api/chats/${chats.parentsA}/leave`, headers: asUser(quitter.parent) })).statusCode).toBe(204);

    // Later changes of the roster: a new classmate, a second parent for each, a class teacher.
    const newcomer = await call<{ id: string }>(t, s.admin, 'POST', `${org}/students`, { displayName: 'Новенький Ной', classId: s.classA, email: uniqueEmail('student') });
    await call(t, s.admin, 'POST', `${org}/members/${quitter.parent.userId}/children`, { childId: newcomer.id });
    await call(t, s.admin, 'PUT', `${org}/classes/${s.classA}/class-teachers`, { userIds: [s.classTeacher.userId] });

    const classMembers = await membersOf(chats.classA);
    expect(classMembers[newcomer.id]).toBe('member');
    expect(classMembers).not.toHaveProperty(removed.student.userId);
    expect(classMembers).not.toHaveProperty(quitter.student.userId);
    const parentMembers = await membersOf(chats.parentsA);
    expect(parentMembers[removed.parent.userId]).toBe('member'); // only their child was removed
    expect(parentMembers).not.toHaveProperty(quitter.parent.userId);
    expect(await createdChatIds(removed.student.userId)).toEqual([chats.classA]);
    expect(await createdChatIds(quitter.parent.userId)).toEqual([chats.parentsA]);
    for (const who of [removed.student, quitter.student]) {
      expect((await t.app.inject({ method: 'GET', url: `/api/chats/${chats.classA}/messages`, headers: asUser(who) })).statusCode).toBe(404);
    }
  });

  it('keeps people added by hand when the roster changes, even those the roster does not know', async () => {
    const added = await t.app.inject({ method: 'POST', url: `/api/chats/${chats.classA}/members`, payload: { userIds: [s.director.userId, s.otherStudentId] }, headers: asUser(s.classTeacher) });
    expect(added.statusCode).toBe(204);
    expect((await systemMessages(chats.classA)).at(-1)).toEqual({ action: 'added', actor: s.classTeacher.userId, subjects: sorted([s.director.userId, s.otherStudentId]) });
    const { student } = await studentWithParent(s.classA, 'Ещёодин Ефим');
    await call(t, s.admin, 'POST', `${org}/members/${student.userId}/movement`, { kind: 'transfer', classId: s.classB });
    // 5Б's student was added to 5А's chat by hand: the roster neither takes them out nor moves them.
    await call(t, s.admin, 'POST', `${org}/members/${s.otherStudentId}/movement`, { kind: 'transfer', classId: s.classA });
    await call(t, s.admin, 'POST', `${org}/members/${s.otherStudentId}/movement`, { kind: 'transfer', classId: s.classB });
    const members = await membersOf(chats.classA);
    expect(members[s.director.userId]).toBe('member');
    expect(members[s.otherStudentId]).toBe('member');
    expect(members[s.admin.userId]).toBe('admin');
    expect((await membersOf(chats.classB))[s.otherStudentId]).toBe('member');
  });

  it('follows a change of class teacher in both chats', async () => {
    const successor = (await joinByLink(t, s.admin, s.organizationId, { role: 'teacher' })).person;
    await call(t, s.admin, 'POST', `${org}/members/${successor.userId}/verification`, {});
    await call(t, s.admin, 'PUT', `${org}/classes/${s.classA}/class-teachers`, { userIds: [successor.userId] });
    for (const chatId of [chats.classA, chats.parentsA]) {
      const members = await membersOf(chatId);
      expect(members[successor.userId], chatId).toBe('admin');
      expect(members, chatId).not.toHaveProperty(s.classTeacher.userId);
    }
    expect(sorted(await removedChatIds(s.classTeacher.userId))).toEqual(sorted([chats.classA, chats.parentsA]));
    // The new class teacher may now open (get) the class's chats.
    expect((await openChat(successor, s.classA, 'parents')).json<TChat>().id).toBe(chats.parentsA);
  });
});

describe('the class teacher who opened the chats, and people who leave the school', () => {
  let s: PopulatedSchool;
  let org: string;
  const chats = { class: '', parents: '' };
  beforeAll(async () => {
    s = await populateSchool(t);
    org = `/api/organizations/${s.organizationId}`;
    for (const kind of ['class', 'parents'] as const) chats[kind] = (await openChat(s.classTeacher, s.classA, kind)).json<TChat>().id;
  });

  it('takes the class teacher who opened the chats out of them when another becomes class teacher', async () => {
    // The class teacher is in both chats because they are the class teacher, not because someone added them by hand.
    expect((await membersOf(chats.class))[s.classTeacher.userId]).toBe('admin');
    await call(t, s.admin, 'PUT', `${org}/classes/${s.classA}/class-teachers`, { userIds: [s.verifiedTeacher.userId] });
    for (const chatId of [chats.class, chats.parents]) {
      const members = await membersOf(chatId);
      expect(members[s.verifiedTeacher.userId], chatId).toBe('admin');
      expect(members, chatId).not.toHaveProperty(s.classTeacher.userId);
    }
  });

  it('tells nothing more to someone who left the school, though they were in the chat by hand', async () => {
    // 5Б's student, added to 5А's chat by hand, then leaves the school.
    await call(t, s.verifiedTeacher, 'POST', `/api/chats/${chats.class}/members`, { userIds: [s.otherStudentId] }, [204]);
    await call(t, s.admin, 'POST', `${org}/members/${s.otherStudentId}/movement`, { kind: 'leave' });
    const heard = async () => (await eventsOf<{ message: { chatId: string } }>(s.otherStudentId, 'message.created')).filter((event) => event.message.chatId === chats.class);
    const heardBefore = await heard();
    await call(t, s.student, 'POST', `/api/chats/${chats.class}/messages`, { clientId: randomUUID(), text: 'Завтра контрольная по математике' });
    expect(await heard()).toHaveLength(heardBefore.length);
    const { members } = await call<{ members: { person: { id: string } }[] }>(t, s.student, 'GET', `/api/chats/${chats.class}/members`);
    expect(members.map((member) => member.person.id)).not.toContain(s.otherStudentId);
    expect((await call<TChat>(t, s.student, 'GET', `/api/chats/${chats.class}`)).memberCount).toBe(members.length);
  });
});

describe('chats of a class that starts empty, and a director who teaches in it', () => {
  let s: PopulatedSchool;
  let classC: string;
  const chats = { class: '', parents: '' };
  beforeAll(async () => {
    s = await populateSchool(t);
    classC = await createClass(t, s.admin, s.organizationId, '5В');
    for (const kind of ['class', 'parents'] as const) chats[kind] = (await openChat(s.admin, classC, kind)).json<TChat>().id;
  });

  it('announces the first student who joins with a «joined» line, like any later one', async () => {
    expect(await membersOf(chats.class)).toEqual({ [s.admin.userId]: 'admin' });
    const first = await call<{ id: string; parents: { id: string }[] }>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/students`, { displayName: 'Первая Полина', classId: classC, guardianEmail: uniqueEmail('guardian') });
    expect((await membersOf(chats.class))[first.id]).toBe('member');
    expect(await createdChatIds(first.id)).toEqual([chats.class]);
    expect(await systemMessages(chats.class)).toEqual([{ action: 'joined', actor: null, subjects: [first.id] }]);
    expect(await systemMessages(chats.parents)).toEqual([{ action: 'joined', actor: null, subjects: [first.parents[0]!.id] }]);
  });

  it('puts a director placed in the class as a teacher (by a class link) in its class chat', async () => {
    const director = (await joinByLink(t, s.admin, s.organizationId, { role: 'director', classId: classC })).person;
    const { classes } = await call<TListClassesResponse>(t, director, 'GET', `/api/organizations/${s.organizationId}/classes`);
    expect(classes.find((item) => item.id === classC)?.myPlaces).toContain('teacher');
    expect((await membersOf(chats.class))[director.userId]).toBe('admin');
  });
});

describe('the roster import into a class with chats', () => {
  let s: PopulatedSchool;
  const chats = { class: '', parents: '' };
  beforeAll(async () => {
    s = await populateSchool(t);
    for (const kind of ['class', 'parents'] as const) chats[kind] = (await openChat(s.classTeacher, s.classA, kind)).json<TChat>().id;
  });

  const importRoster = (body: string, mode: 'preview' | 'apply') =>
    t.app.inject({ method: 'POST', url: `/api/organizations/${s.organizationId}/roster-imports?mode=${mode}`, payload: Buffer.from(body), headers: { 'content-type': 'text/csv', ...asUser(s.admin) } });

  it('adds everyone in one go, with a single «joined» line per chat; a preview changes nothing', async () => {
    const emails = { first: uniqueEmail('imported'), teacher: uniqueEmail('imported.teacher'), mother: uniqueEmail('imported.mother') };
    const body = [
      'Класс;Роль;ФИО;Эл. почта;Телефон;Ребёнок',
      `5А;ученик;Импортов Иван;${emails.first};;`,
      '5А;ученик;Импортова Ирина;;;',
      `5А;учитель;Импортов Игорь Иванович;${emails.teacher};;`,
      `5А;родитель;Импортова Инна;${emails.mother};;Импортов Иван, Импортова Ирина`,
    ].join('\n');
    const before = { class: await membersOf(chats.class), parents: await membersOf(chats.parents) };

    const preview = await importRoster(body, 'preview');
    expect(preview.statusCode).toBe(200);
    expect(await membersOf(chats.class)).toEqual(before.class);
    expect(await systemMessages(chats.class)).toEqual([]);

    const applied = await importRoster(body, 'apply');
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json<TRosterImportResult>().rows.map((row) => row.action)).toEqual(['create', 'create', 'create', 'create']);
    const users = await t.database.db.selectFrom('users').select(['id', 'display_name']).where('display_name', 'like', 'Импорт%').execute();
    const id = (name: string) => users.find((user) => user.display_name === name)!.id;
    const [ivan, irina, teacher, mother] = [id('Импортов Иван'), id('Импортова Ирина'), id('Импортов Игорь Иванович'), id('Импортова Инна')];

    expect(await membersOf(chats.class)).toEqual({ ...before.class, [ivan]: 'member', [irina]: 'member', [teacher]: 'admin' });
    expect(await membersOf(chats.parents)).toEqual({ ...before.parents, [mother]: 'member' });
    expect(await systemMessages(chats.class)).toEqual([{ action: 'joined', actor: null, subjects: sorted([ivan, irina, teacher]) }]);
    expect(await systemMessages(chats.parents)).toEqual([{ action: 'joined', actor: null, subjects: [mother] }]);
    for (const userId of [ivan, irina, teacher]) expect(await createdChatIds(userId)).toEqual([chats.class]);
    expect(await createdChatIds(mother)).toEqual([chats.parents]);
    // The members already there heard of one new message per chat.
    const heard = await eventsOf<{ message: { chatId: string; kind: string } }>(s.student.userId, 'message.created');
    expect(heard.filter((event) => event.message.chatId === chats.class)).toHaveLength(1);
  });
});
