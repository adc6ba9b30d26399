import { randomUUID } from 'node:crypto';
import type { TAcknowledgementsResponse, TChannelSummary, TChat, TListChatsResponse, TListMessagesResponse, TMessage } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';

let t: TestApp;
let s: PopulatedSchool;

beforeAll(async () => {
  t = await startTestApp();
  s = await populateSchool(t);
});
afterAll(async () => {
  await t.close();
});

const chatsOf = async (who: SignedIn) => (await call<TListChatsResponse>(t, who, 'GET', '/api/chats')).chats;
const systemChannel = async (who: SignedIn, code: 'school' | 'staff') => (await chatsOf(who)).find((chat) => chat.organizationId === s.organizationId && chat.systemChannel === code);
const post = (who: SignedIn, chatId: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/chats/${chatId}/messages`, headers: asUser(who), payload: { clientId: randomUUID(), ...body } });

describe('system channels', () => {
  it('puts everyone in «Общешкольный канал» and staff in «Сотрудники»; administrators run them', async () => {
    const school = await systemChannel(s.admin, 'school');
    expect(school).toMatchObject({ title: 'Общешкольный канал', kind: 'channel', myRole: 'admin', canWrite: true, onlyAdminsWrite: true });
    for (const who of [s.director, s.teacher, s.classTeacher, s.student, s.parent]) expect((await systemChannel(who, 'school'))?.id).toBe(school!.id);
    const staff = await systemChannel(s.admin, 'staff');
    expect(staff?.title).toBe('Сотрудники');
    for (const who of [s.director, s.teacher, s.classTeacher]) expect((await systemChannel(who, 'staff'))?.id).toBe(staff!.id);
    for (const who of [s.student, s.parent]) expect(await systemChannel(who, 'staff')).toBeUndefined();
    // Only administrators post; nobody leaves; the channel list hides «Сотрудники» from families.
    expect((await post(s.director, school!.id, { text: 'Объявление' })).statusCode).toBe(403);
    expect((await post(s.admin, school!.id, { text: 'Завтра линейка в 8:30.' })).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'POST', url: `/api/chats/${school!.id}/leave`, headers: asUser(s.parent) })).statusCode).toBe(409);
    const { channels } = await call<{ channels: TChannelSummary[] }>(t, s.parent, 'GET', `/api/organizations/${s.organizationId}/channels`);
    expect(channels.map((c) => c.systemChannel)).toEqual(['school']);
  });

  it('follows the organization: a student who leaves the school leaves its channel', async () => {
    const school = (await systemChannel(s.admin, 'school'))!;
    const pupil = await call<{ id: string }>(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/students`, { displayName: 'Уходящий Ученик', classId: s.classB, email: `leaver.${randomUUID()}@school.test` });
    const members = async () => (await call<{ members: { person: { id: string } }[] }>(t, s.admin, 'GET', `/api/chats/${school.id}/members`)).members.map((m) => m.person.id);
    expect(await members()).toContain(pupil.id);
    await call(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/members/${pupil.id}/movement`, { kind: 'leave' });
    expect(await members()).not.toContain(pupil.id);
  });
});

describe('channels made by staff', () => {
  it('lets a verified teacher make a channel people subscribe to; an unverified teacher may not', async () => {
    const refused = await t.app.inject({ method: 'POST', url: `/api/organizations/${s.organizationId}/channels`, headers: asUser(s.teacher), payload: { title: 'Мой канал' } });
    expect(refused.statusCode).toBe(403);
    const channel = await call<TChat>(t, s.verifiedTeacher, 'POST', `/api/organizations/${s.organizationId}/channels`, { title: 'Кружок робототехники', description: 'Новости кружка' });
    expect(channel).toMatchObject({ kind: 'channel', description: 'Новости кружка', memberCount: 1, myRole: 'admin' });
    const subscribed = await call<TChat>(t, s.student, 'POST', `/api/chats/${channel.id}/subscribe`);
    expect(subscribed).toMatchObject({ id: channel.id, myRole: 'member', canWrite: false });
    expect((await post(s.student, channel.id, { text: 'привет' })).statusCode).toBe(403);
    await call(t, s.student, 'POST', `/api/chats/${channel.id}/leave`, undefined, [204]);
    const { channels } = await call<{ channels: TChannelSummary[] }>(t, s.student, 'GET', `/api/organizations/${s.organizationId}/channels`);
    expect(channels.find((c) => c.id === channel.id)).toMatchObject({ subscribed: false, memberCount: 1 });
  });
});

describe('«прочитал и подтверждаю»', () => {
  it('counts confirmations, lists who has not confirmed yet, and tells the administrators', async () => {
    const school = (await systemChannel(s.admin, 'school'))!;
    const created = await post(s.admin, school.id, { text: 'Родительское собрание в четверг в 18:00. Подтвердите, пожалуйста.', requiresAck: true });
    expect(created.statusCode).toBe(201);
    const message = created.json<TMessage>();
    expect(message.acknowledgements).toEqual({ count: 0 });
    await call(t, s.parent, 'POST', `/api/chats/${school.id}/messages/${message.id}/ack`, undefined, [204]);
    await call(t, s.parent, 'POST', `/api/chats/${school.id}/messages/${message.id}/ack`, undefined, [204]); // twice is once
    const page = await call<TListMessagesResponse>(t, s.parent, 'GET', `/api/chats/${school.id}/messages`);
    expect(page.acknowledged).toEqual([message.id]);
    expect(page.messages.find((m) => m.id === message.id)?.acknowledgements).toEqual({ count: 1 });
    const lists = await call<TAcknowledgementsResponse>(t, s.admin, 'GET', `/api/chats/${school.id}/messages/${message.id}/acks`);
    expect(lists.confirmed.map((p) => p.id)).toEqual([s.parent.userId]);
    expect(lists.pending.map((p) => p.id)).toEqual(expect.arrayContaining([s.student.userId, s.teacher.userId]));
    expect(lists.pending.map((p) => p.id)).not.toContain(s.admin.userId);
    expect((await t.app.inject({ method: 'GET', url: `/api/chats/${school.id}/messages/${message.id}/acks`, headers: asUser(s.parent) })).statusCode).toBe(403);
    const told = await t.database.db.selectFrom('user_events').select('payload').where('user_id', '=', s.admin.userId).where('name', '=', 'message.acknowledged').execute();
    expect(told.map((row) => row.payload)).toContainEqual({ chatId: school.id, messageId: message.id, userId: s.parent.userId, count: 1 });
    // Asking for confirmation belongs to channel posts.
    const group = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Группа', memberIds: [s.parent.userId] });
    expect((await post(s.classTeacher, group.id, { text: 'подтвердите', requiresAck: true })).statusCode).toBe(400);
  });
});
