import { randomUUID } from 'node:crypto';
import type { TChat, TListChatsResponse, TListMessagesResponse, TMessage } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, startTestApp, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';

let t: TestApp;
let s: PopulatedSchool;
let chat: TChat;

beforeAll(async () => {
  t = await startTestApp();
  s = await populateSchool(t);
  chat = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: '5А — родители', memberIds: [s.parent.userId, s.student.userId] });
});
afterAll(async () => {
  await t.close();
});

const send = (as: PopulatedSchool['student'], text: string, clientId = randomUUID(), chatId = chat.id) =>
  t.app.inject({ method: 'POST', url: `/api/chats/${chatId}/messages`, payload: { clientId, text }, headers: asUser(as) });

describe('group chats', () => {
  it('lets a verified teacher make a chat with a parent and a student; they all see it', async () => {
    expect(chat).toMatchObject({ title: '5А — родители', memberCount: 3, unreadCount: 0, lastMessage: null });
    for (const who of [s.parent, s.student]) {
      const { chats } = await call<TListChatsResponse>(t, who, 'GET', '/api/chats');
      expect(chats.map((item) => item.id)).toContain(chat.id);
    }
    const told = await t.database.db.selectFrom('user_events').select('payload').where('user_id', '=', s.parent.userId).where('name', '=', 'chat.created').execute();
    expect(told.filter((event) => (event.payload as { chat: TChat }).chat.id === chat.id)).toHaveLength(1);
  });

  it('refuses an unverified teacher a chat with students or parents, with the reason; colleagues are fine', async () => {
    const response = await t.app.inject({ method: 'POST', url: `/api/organizations/${s.organizationId}/chats`, payload: { title: 'Мой класс', memberIds: [s.parent.userId] }, headers: asUser(s.teacher) });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/подтвердил ваш статус учителя/);
    const colleagues = await t.app.inject({ method: 'POST', url: `/api/organizations/${s.organizationId}/chats`, payload: { title: 'Методобъединение', memberIds: [s.verifiedTeacher.userId] }, headers: asUser(s.teacher) });
    expect(colleagues.statusCode).toBe(201);
  });

  it('refuses students, parents and people of another organization as creators or members', async () => {
    const byStudent = await t.app.inject({ method: 'POST', url: `/api/organizations/${s.organizationId}/chats`, payload: { title: 'Класс', memberIds: [s.classTeacher.userId] }, headers: asUser(s.student) });
    expect(byStudent.statusCode).toBe(403);
    const outsider = await t.app.inject({ method: 'POST', url: `/api/organizations/${s.organizationId}/chats`, payload: { title: 'Чужие', memberIds: [randomUUID()] }, headers: asUser(s.admin) });
    expect(outsider.statusCode).toBe(400);
    expect(outsider.json().error.fields.memberIds).toMatch(/только участников/);
  });
});

describe('messages', () => {
  it('numbers messages per chat without gaps and delivers an event to every member', async () => {
    const quiet = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Тихий чат', memberIds: [s.verifiedTeacher.userId] });
    t.clock.advance(60_000);
    const first = (await send(s.parent, 'Здравствуйте! Завтра будет физкультура?')).json<TMessage>();
    const second = (await send(s.classTeacher, 'Да, возьмите форму.')).json<TMessage>();
    expect(second.seq).toBe(first.seq + 1);
    for (const who of [s.parent, s.student, s.classTeacher]) {
      const events = await t.database.db.selectFrom('user_events').select('payload').where('user_id', '=', who.userId).where('name', '=', 'message.created').execute();
      expect(events.map((event) => (event.payload as { message: TMessage }).message.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    }
    const { messages } = await call<TListMessagesResponse>(t, s.student, 'GET', `/api/chats/${chat.id}/messages?limit=2`);
    expect(messages.map((message) => message.text)).toEqual(['Да, возьмите форму.', 'Здравствуйте! Завтра будет физкультура?']);
    const { chats } = await call<TListChatsResponse>(t, s.classTeacher, 'GET', '/api/chats');
    // The busiest chat comes first; the teacher's other chats (and the school's channels) are older and quiet.
    expect(chats.map((item) => item.id).filter((id) => id === chat.id || id === quiet.id)).toEqual([chat.id, quiet.id]);
    expect(chats[0]!.id).toBe(chat.id);
    // The teacher wrote last, so nothing there is unread for him; the student has read nothing.
    expect(chats[0]).toMatchObject({ unreadCount: 0, lastMessage: { id: second.id } });
    const studentView = await call<TListChatsResponse>(t, s.student, 'GET', '/api/chats');
    expect(studentView.chats[0]).toMatchObject({ id: chat.id, unreadCount: second.seq, lastMessage: { id: second.id } });
  });

  it('stores a retried send once: same clientId → the same message (200), no second event', async () => {
    const clientId = randomUUID();
    const first = await send(s.parent, 'Спасибо!', clientId);
    expect(first.statusCode).toBe(201);
    const eventsBefore = await t.database.db.selectFrom('user_events').select('seq').where('user_id', '=', s.student.userId).execute();
    const retries = await Promise.all([send(s.parent, 'Спасибо!', clientId), send(s.parent, 'Спасибо!', clientId)]);
    expect(retries.map((response) => response.statusCode)).toEqual([200, 200]);
    expect(retries.map((response) => response.json().id)).toEqual([first.json().id, first.json().id]);
    const stored = await t.database.db.selectFrom('messages').select('id').where('client_id', '=', clientId).execute();
    expect(stored).toHaveLength(1);
    const eventsAfter = await t.database.db.selectFrom('user_events').select('seq').where('user_id', '=', s.student.userId).execute();
    expect(eventsAfter.length).toBe(eventsBefore.length);
  });

  it('stores two simultaneous first sends of one message once (the loser returns the winner’s)', async () => {
    const clientId = randomUUID();
    const answers = await Promise.all([send(s.classTeacher, 'Собрание в пятницу', clientId), send(s.classTeacher, 'Собрание в пятницу', clientId), send(s.classTeacher, 'Собрание в пятницу', clientId)]);
    expect(answers.map((response) => response.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((response) => response.json().id)).size).toBe(1);
    const stored = await t.database.db.selectFrom('messages').select('seq').where('client_id', '=', clientId).execute();
    expect(stored).toHaveLength(1);
    // No number was lost to the losers: the chat's last number is this message's.
    const chatRow = await t.database.db.selectFrom('chats').select('last_seq').where('id', '=', chat.id).executeTakeFirstOrThrow();
    expect(Number(chatRow.last_seq)).toBe(Number(stored[0]!.seq));
  });

  it('refuses a clientId reused in another chat', async () => {
    const other = await call<TChat>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Администрация', memberIds: [s.director.userId] });
    const clientId = randomUUID();
    expect((await send(s.admin, 'Совещание в 15:00', clientId, other.id)).statusCode).toBe(201);
    const reused = await send(s.admin, 'Совещание в 15:00', clientId);
    expect(reused.statusCode).toBe(404); // the administrator is not in the parents' chat at all
    const misuse = await t.app.inject({ method: 'POST', url: `/api/chats/${other.id}/messages`, payload: { clientId: randomUUID(), text: '' }, headers: asUser(s.admin) });
    expect(misuse.statusCode).toBe(400);
  });

  it('hides a chat from non-members and from a student who has left the school', async () => {
    expect((await send(s.teacher, 'Можно мне тоже?')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/chats/${chat.id}/messages`, headers: asUser(s.teacher) })).statusCode).toBe(404);
    await call(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/members/${s.student.userId}/movement`, { kind: 'leave' });
    expect((await t.app.inject({ method: 'GET', url: `/api/chats/${chat.id}/messages`, headers: asUser(s.student) })).statusCode).toBe(404);
    expect((await send(s.student, 'Я ещё здесь?')).statusCode).toBe(404);
  });
});
