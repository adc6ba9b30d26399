import { randomUUID } from 'node:crypto';
import type { TChat, TMessage, TMessageReport } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';

let t: TestApp;
let s: PopulatedSchool;
let classChat: TChat;

beforeAll(async () => {
  t = await startTestApp();
  s = await populateSchool(t);
  classChat = await call<TChat>(t, s.classTeacher, 'POST', `/api/classes/${s.classA}/chats`, { kind: 'parents' }, [200, 201]);
});
afterAll(async () => {
  await t.close();
});

const queue = (who: SignedIn, status = 'open') => call<{ reports: TMessageReport[] }>(t, who, 'GET', `/api/organizations/${s.organizationId}/message-reports?status=${status}`);

describe('reports of messages', () => {
  it('reaches the administrators and the class teacher with what the message said; others see no queue', async () => {
    // The class teacher writes in the parents' chat; a parent reports it (any member may).
    const message = await call<TMessage>(t, s.classTeacher, 'POST', `/api/chats/${classChat.id}/messages`, { clientId: randomUUID(), text: 'Неподобающий текст' });
    const { id } = await call<{ id: string }>(t, s.parent, 'POST', `/api/chats/${classChat.id}/messages/${message.id}/report`, { reason: 'Оскорбление' });
    const again = await t.app.inject({ method: 'POST', url: `/api/chats/${classChat.id}/messages/${message.id}/report`, headers: asUser(s.parent), payload: { reason: 'ещё раз' } });
    expect(again.statusCode).toBe(409);
    // Editing afterwards hides nothing from the moderators.
    await call(t, s.classTeacher, 'PATCH', `/api/chats/${classChat.id}/messages/${message.id}`, { text: 'Безобидный текст' });
    for (const moderator of [s.admin, s.classTeacher]) {
      const { reports } = await queue(moderator);
      expect(reports.find((r) => r.id === id)).toMatchObject({ messageText: 'Неподобающий текст', reason: 'Оскорбление', reporter: { id: s.parent.userId }, status: 'open', chatId: classChat.id });
    }
    for (const other of [s.parent, s.teacher, s.verifiedTeacher]) {
      expect((await t.app.inject({ method: 'GET', url: `/api/organizations/${s.organizationId}/message-reports`, headers: asUser(other) })).statusCode).toBe(403);
    }
    const told = await t.database.db.selectFrom('user_events').select('name').where('user_id', '=', s.admin.userId).where('name', '=', 'report.changed').execute();
    expect(told.length).toBeGreaterThan(0);
  });

  it('deletes the message for everyone on «удалить», closing every report of it; dismisses otherwise', async () => {
    const bad = await call<TMessage>(t, s.parent, 'POST', `/api/chats/${classChat.id}/messages`, { clientId: randomUUID(), text: 'Реклама казино' });
    const own = await t.app.inject({ method: 'POST', url: `/api/chats/${classChat.id}/messages/${bad.id}/report`, headers: asUser(s.parent), payload: { reason: 'спам' } });
    expect(own.statusCode).toBe(409);
    const { id } = await call<{ id: string }>(t, s.classTeacher, 'POST', `/api/chats/${classChat.id}/messages/${bad.id}/report`, { reason: 'Спам' });
    await call(t, s.admin, 'POST', `/api/organizations/${s.organizationId}/message-reports/${id}/resolve`, { action: 'delete' }, [204]);
    const { messages } = await call<{ messages: TMessage[] }>(t, s.parent, 'GET', `/api/chats/${classChat.id}/messages`);
    expect(messages.find((m) => m.id === bad.id)).toMatchObject({ text: '' });
    expect((await queue(s.admin, 'closed')).reports.find((r) => r.id === id)).toMatchObject({ status: 'deleted', messageText: 'Реклама казино' });
    const twice = await t.app.inject({ method: 'POST', url: `/api/organizations/${s.organizationId}/message-reports/${id}/resolve`, headers: asUser(s.admin), payload: { action: 'dismiss' } });
    expect(twice.statusCode).toBe(409);
  });
});
