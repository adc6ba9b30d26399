import { randomUUID } from 'node:crypto';
import { applyToAcknowledged, applyToChatList, applyToMessages, type ChatEvent, type TChat, type TListChatsResponse, type TListMessagesResponse, type TMessage } from '@parta/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import type { EventBus } from '../../platform/realtime/index.ts';
import { asUser, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';
import { waitFor } from '../../test/wait.ts';
import { openSocket } from '../../test/ws-client.ts';

let t: TestApp;
let s: PopulatedSchool;
let chat: TChat;

beforeAll(async () => {
  t = await startTestApp({ heartbeatMs: 3_600_000 });
  s = await populateSchool(t);
  // The class teacher's chat with a parent, a student and a colleague; the class teacher is its administrator.
  chat = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: '5А', memberIds: [s.parent.userId, s.student.userId, s.verifiedTeacher.userId] });
});
afterAll(async () => {
  await t.close();
});

const inject = (as: SignedIn, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, headers: asUser(as), ...(payload === undefined ? {} : { payload }) });

async function send(as: SignedIn, text: string, extra: { replyToId?: string; chatId?: string; requiresAck?: boolean; mentionIds?: string[] } = {}): Promise<TMessage> {
  const { chatId, ...rest } = extra;
  const response = await inject(as, 'POST', `/api/chats/${chatId ?? chat.id}/messages`, { clientId: randomUUID(), text, ...rest });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<TMessage>();
}

async function history(as: SignedIn, chatId = chat.id): Promise<TMessage[]> {
  const { messages } = await call<TListMessagesResponse>(t, as, 'GET', `/api/chats/${chatId}/messages?limit=100`);
  return messages.reverse();
}

async function eventsOf(user: SignedIn, name: string, afterSeq = 0) {
  const rows = await t.database.db.selectFrom('user_events').select(['seq', 'name', 'payload']).where('user_id', '=', user.userId).where('name', '=', name).where('seq', '>', afterSeq).orderBy('seq').execute();
  return rows.map((row) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>);
}

async function latestEventSeq(user: SignedIn): Promise<number> {
  const row = await t.database.db.selectFrom('user_event_counters').select('last_seq').where('user_id', '=', user.userId).executeTakeFirst();
  return Number(row?.last_seq ?? 0);
}

describe('replies, edits and deletion', () => {
  it('quotes the message a reply answers; a message of another chat cannot be answered', async () => {
    const question = await send(s.parent, 'Во сколько завтра экскурсия?');
    const answer = await send(s.classTeacher, 'В 9:00 у школы.', { replyToId: question.id });
    expect(answer.replyTo).toMatchObject({ id: question.id, seq: question.seq, text: 'Во сколько завтра экскурсия?', deleted: false, author: { id: s.parent.userId } });
    const other = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Другой', memberIds: [s.verifiedTeacher.userId] });
    const stranger = await send(s.classTeacher, 'там', { chatId: other.id });
    const refused = await inject(s.classTeacher, 'POST', `/api/chats/${chat.id}/messages`, { clientId: randomUUID(), text: 'ответ', replyToId: stranger.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.replyToId).toMatch(/нет такого сообщения/);
  });

  it('lets the author edit (marked, told to every member) and nobody else', async () => {
    const message = await send(s.parent, 'Завтра придём в 8:30');
    const before = await latestEventSeq(s.student);
    t.clock.advance(30_000);
    const edited = await call<TMessage>(t, s.parent, 'PATCH', `/api/chats/${chat.id}/messages/${message.id}`, { text: 'Завтра придём в 8:45' });
    expect(edited).toMatchObject({ id: message.id, seq: message.seq, text: 'Завтра придём в 8:45' });
    expect(edited.editedAt).not.toBeNull();
    const updates = await eventsOf(s.student, 'message.updated', before);
    expect(updates.map((event) => (event.message as TMessage).text)).toEqual(['Завтра придём в 8:45']);
    const byOther = await inject(s.classTeacher, 'PATCH', `/api/chats/${chat.id}/messages/${message.id}`, { text: 'чужое' });
    expect(byOther.statusCode).toBe(403);
    expect(byOther.json().error.message).toMatch(/только своё сообщение/);
  });

  it('deletes for everyone: the author any own message, a chat administrator anyone’s; others may not', async () => {
    const mine = await send(s.student, 'случайно отправил');
    const reply = await send(s.parent, 'что?', { replyToId: mine.id });
    const byPeer = await inject(s.parent, 'DELETE', `/api/chats/${chat.id}/messages/${mine.id}`);
    expect(byPeer.statusCode).toBe(403);
    const deleted = await call<TMessage>(t, s.student, 'DELETE', `/api/chats/${chat.id}/messages/${mine.id}`);
    expect(deleted).toMatchObject({ text: '', seq: mine.seq });
    expect(deleted.deletedAt).not.toBeNull();
    const stored = await t.database.db.selectFrom('messages').select('body').where('id', '=', mine.id).executeTakeFirstOrThrow();
    expect(stored.body).toBe(''); // the text is gone, not hidden
    const seen = (await history(s.parent)).find((m) => m.id === reply.id)!;
    expect(seen.replyTo).toMatchObject({ id: mine.id, deleted: true, text: '' });

    const rude = await send(s.student, 'грубость');
    await call(t, s.classTeacher, 'DELETE', `/api/chats/${chat.id}/messages/${rude.id}`);
    expect((await history(s.parent)).find((m) => m.id === rude.id)?.deletedAt).not.toBeNull();
    const editDeleted = await inject(s.student, 'PATCH', `/api/chats/${chat.id}/messages/${rude.id}`, { text: 'исправил' });
    expect(editDeleted.statusCode).toBe(409);
  });
});

describe('reactions', () => {
  it('keeps one reaction per person (another replaces it), takes it back, refuses unknown emoji', async () => {
    const message = await send(s.classTeacher, 'Поздравляю всех с окончанием четверти!');
    await call(t, s.parent, 'PUT', `/api/chats/${chat.id}/messages/${message.id}/reaction`, { emoji: '👍' });
    await call(t, s.student, 'PUT', `/api/chats/${chat.id}/messages/${message.id}/reaction`, { emoji: '👍' });
    let current = await call<TMessage>(t, s.parent, 'PUT', `/api/chats/${chat.id}/messages/${message.id}/reaction`, { emoji: '❤️' });
    expect(current.reactions).toEqual([
      { emoji: '👍', userIds: [s.student.userId] },
      { emoji: '❤️', userIds: [s.parent.userId] },
    ]);
    current = await call<TMessage>(t, s.student, 'DELETE', `/api/chats/${chat.id}/messages/${message.id}/reaction`);
    expect(current.reactions).toEqual([{ emoji: '❤️', userIds: [s.parent.userId] }]);
    const unknown = await inject(s.student, 'PUT', `/api/chats/${chat.id}/messages/${message.id}/reaction`, { emoji: '💩' });
    expect(unknown.statusCode).toBe(400);
    const fetched = (await history(s.student)).find((m) => m.id === message.id)!;
    expect(fetched.reactions).toEqual(current.reactions);
  });
});

describe('read state', () => {
  it('counts readers for the author, tells the author and the reader’s devices, never moves back', async () => {
    const fresh = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Читаем', memberIds: [s.parent.userId, s.student.userId] });
    const first = await send(s.classTeacher, 'Первое', { chatId: fresh.id });
    const second = await send(s.classTeacher, 'Второе', { chatId: fresh.id });
    const [asParent] = (await call<TListChatsResponse>(t, s.parent, 'GET', '/api/chats')).chats.filter((c) => c.id === fresh.id);
    expect(asParent).toMatchObject({ unreadCount: 2, lastReadSeq: 0, lastSeq: second.seq });

    const authorBefore = await latestEventSeq(s.classTeacher);
    await call(t, s.parent, 'POST', `/api/chats/${fresh.id}/read`, { seq: 999 }, [204]); // clamps to the newest message
    const reads = await eventsOf(s.classTeacher, 'chat.read', authorBefore);
    expect(reads).toEqual([{ chatId: fresh.id, userId: s.parent.userId, fromSeq: 0, toSeq: second.seq }]);
    expect((await eventsOf(s.parent, 'chat.read')).some((event) => event.chatId === fresh.id && event.toSeq === second.seq)).toBe(true);
    expect((await call<TChat>(t, s.parent, 'GET', `/api/chats/${fresh.id}`)).unreadCount).toBe(0);

    const seen = await history(s.classTeacher, fresh.id);
    expect(seen.map((m) => [m.id, m.readCount])).toEqual([
      [first.id, 1],
      [second.id, 1],
    ]);
    const { readers } = await call<{ readers: { id: string }[] }>(t, s.classTeacher, 'GET', `/api/chats/${fresh.id}/messages/${first.id}/readers`);
    expect(readers.map((reader) => reader.id)).toEqual([s.parent.userId]);
    const notAuthor = await inject(s.parent, 'GET', `/api/chats/${fresh.id}/messages/${first.id}/readers`);
    expect(notAuthor.statusCode).toBe(403);

    const before = await latestEventSeq(s.parent);
    await call(t, s.parent, 'POST', `/api/chats/${fresh.id}/read`, { seq: first.seq }, [204]); // backwards: nothing happens
    expect(await latestEventSeq(s.parent)).toBe(before);
  });
});

describe('moderation', () => {
  it('switches to «only administrators write» with a system message; members are refused with the reason', async () => {
    const notAdmin = await inject(s.parent, 'PATCH', `/api/chats/${chat.id}`, { onlyAdminsWrite: true });
    expect(notAdmin.statusCode).toBe(403);
    const updated = await call<TChat>(t, s.classTeacher, 'PATCH', `/api/chats/${chat.id}`, { onlyAdminsWrite: true, title: '5А — объявления' });
    expect(updated).toMatchObject({ onlyAdminsWrite: true, canWrite: true, title: '5А — объявления' });
    expect((await call<TChat>(t, s.student, 'GET', `/api/chats/${chat.id}`)).canWrite).toBe(false);
    const refused = await inject(s.student, 'POST', `/api/chats/${chat.id}/messages`, { clientId: randomUUID(), text: 'можно спросить?' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/только администраторы/);
    const notices = (await history(s.student)).filter((m) => m.kind === 'system').slice(-2);
    expect(notices.map((m) => m.system?.action)).toEqual(['renamed', 'onlyAdminsWrite']);
    expect(notices[0]!.system).toMatchObject({ title: '5А — объявления', actor: { id: s.classTeacher.userId } });
    await call(t, s.classTeacher, 'PATCH', `/api/chats/${chat.id}`, { onlyAdminsWrite: false });
  });

  it('removes a member: they hear chat.removed, then nothing more from the chat, and lose access', async () => {
    const room = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Кружок', memberIds: [s.student.userId, s.parent.userId] });
    await call(t, s.classTeacher, 'DELETE', `/api/chats/${room.id}/members/${s.student.userId}`, undefined, [204]);
    const after = await latestEventSeq(s.student);
    const removed = await eventsOf(s.student, 'chat.removed');
    expect(removed.map((event) => event.chatId)).toContain(room.id);
    await send(s.classTeacher, 'после удаления', { chatId: room.id });
    await call(t, s.classTeacher, 'PATCH', `/api/chats/${room.id}`, { title: 'Кружок (новый)' });
    expect(await latestEventSeq(s.student)).toBe(after);
    expect((await inject(s.student, 'GET', `/api/chats/${room.id}/messages`)).statusCode).toBe(404);
    const notice = (await history(s.parent, room.id)).find((m) => m.system?.action === 'removed');
    expect(notice?.system).toMatchObject({ actor: { id: s.classTeacher.userId }, subjects: [{ id: s.student.userId }] });
  });
});

describe('typing', () => {
  it('passes «печатает…» to the other members’ sockets, not numbered and not stored', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const socket = await openSocket(`http://127.0.0.1:${address.port}`, { cookie: s.parent.cookie });
    try {
      socket.send({ type: 'hello', lastSeq: await latestEventSeq(s.parent) });
      await socket.takeUntil('ready');
      const storedBefore = await latestEventSeq(s.parent);
      await call(t, s.student, 'POST', `/api/chats/${chat.id}/typing`, undefined, [204]);
      const signal = await socket.next();
      expect(signal).toEqual({ type: 'signal', name: 'chat.typing', data: { chatId: chat.id, user: { id: s.student.userId, displayName: 'Петров Пётр', verifiedTeacher: false } } });
      expect(await latestEventSeq(s.parent)).toBe(storedBefore);
    } finally {
      socket.ws.terminate();
    }
  });
});

describe('mentions, forwarding, pinning', () => {
  it('keeps mentions of members only, counts them as unread for the person named', async () => {
    const room = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Упоминания', memberIds: [s.parent.userId, s.student.userId] });
    const response = await inject(s.classTeacher, 'POST', `/api/chats/${room.id}/messages`, { clientId: randomUUID(), text: '@Петров Пётр, зайди после урока', mentionIds: [s.student.userId, s.teacher.userId] });
    const message = response.json<TMessage>();
    expect(message.mentions.map((p) => p.id)).toEqual([s.student.userId]); // the teacher is not in this chat
    expect((await call<TChat>(t, s.student, 'GET', `/api/chats/${room.id}`)).unreadMentionCount).toBe(1);
    expect((await call<TChat>(t, s.parent, 'GET', `/api/chats/${room.id}`)).unreadMentionCount).toBe(0);
    await call(t, s.student, 'POST', `/api/chats/${room.id}/read`, { seq: message.seq }, [204]);
    expect((await call<TChat>(t, s.student, 'GET', `/api/chats/${room.id}`)).unreadMentionCount).toBe(0);
  });

  it('forwards a message one can read, with its origin; not one from a chat one is not in', async () => {
    const source = await send(s.classTeacher, 'Расписание на завтра: 1. Математика 2. Чтение');
    const target = await call<TChat>(t, s.parent, 'POST', `/api/organizations/${s.organizationId}/direct-chats`, { userId: s.classTeacher.userId }, [200, 201]);
    const forwarded = await inject(s.parent, 'POST', `/api/chats/${target.id}/messages`, { clientId: randomUUID(), forwardFromId: source.id });
    expect(forwarded.statusCode).toBe(201);
    expect(forwarded.json<TMessage>()).toMatchObject({ text: source.text, forwardedFrom: { author: { id: s.classTeacher.userId }, createdAt: source.createdAt } });
    const withComment = await inject(s.parent, 'POST', `/api/chats/${target.id}/messages`, { clientId: randomUUID(), forwardFromId: source.id, text: 'смотрите' });
    expect(withComment.statusCode).toBe(400);
    const staffOnly = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Только учителя', memberIds: [s.verifiedTeacher.userId] });
    const secret = await send(s.classTeacher, 'Внутреннее', { chatId: staffOnly.id });
    const leak = await inject(s.parent, 'POST', `/api/chats/${target.id}/messages`, { clientId: randomUUID(), forwardFromId: secret.id });
    expect(leak.statusCode).toBe(400);
    expect(leak.json().error.fields.forwardFromId).toMatch(/нельзя переслать/);
  });

  it('pins a message for everyone (chat administrators), with a system message; members may not', async () => {
    const notice = await send(s.classTeacher, 'Экскурсия в музей — в пятницу');
    expect((await inject(s.parent, 'PUT', `/api/chats/${chat.id}/pin`, { messageId: notice.id })).statusCode).toBe(403);
    const pinned = await call<TChat>(t, s.classTeacher, 'PUT', `/api/chats/${chat.id}/pin`, { messageId: notice.id });
    expect(pinned.pinned).toMatchObject({ id: notice.id, text: 'Экскурсия в музей — в пятницу' });
    expect((await call<TChat>(t, s.parent, 'GET', `/api/chats/${chat.id}`)).pinned?.id).toBe(notice.id);
    expect((await history(s.parent)).at(-1)?.system).toMatchObject({ action: 'pinned', title: 'Экскурсия в музей — в пятницу' });
    expect((await call<TChat>(t, s.classTeacher, 'DELETE', `/api/chats/${chat.id}/pin`)).pinned).toBeNull();
  });
});

describe('quiet hours', () => {
  it('delivers a parent’s evening message to staff quietly, unless urgent; to others as usual', async () => {
    await call(t, s.admin, 'PUT', `/api/organizations/${s.organizationId}/chat-settings`, { schoolDayStarts: 8, schoolDayEnds: 18, timeZone: 'Europe/Moscow' });
    const bad = await inject(s.admin, 'PUT', `/api/organizations/${s.organizationId}/chat-settings`, { schoolDayStarts: 19 });
    expect(bad.statusCode).toBe(400);
    const room = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Вечер', memberIds: [s.parent.userId, s.student.userId] });
    /** Moves the clock forward to the next time it is `hour`:00 UTC. */
    const advanceToUtcHour = (hour: number) => {
      const now = t.clock.now();
      const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
      if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
      t.clock.advance(next.getTime() - now.getTime());
    };
    // 21:00 in Moscow (UTC+3) is 18:00 UTC.
    advanceToUtcHour(18);
    const late = await send(s.parent, 'Извините за поздний вопрос: что задали?', { chatId: room.id });
    const urgent = await inject(s.parent, 'POST', `/api/chats/${room.id}/messages`, { clientId: randomUUID(), text: 'Ребёнок заболел, завтра не придёт', urgent: true });
    expect(urgent.json<TMessage>().urgent).toBe(true);
    const eventFor = async (who: SignedIn, messageId: string) => (await eventsOf(who, 'message.created')).find((event) => (event.message as TMessage).id === messageId);
    expect((await eventFor(s.classTeacher, late.id))?.quiet).toBe(true);
    expect((await eventFor(s.student, late.id))?.quiet).toBeUndefined();
    expect((await eventFor(s.classTeacher, urgent.json<TMessage>().id))?.quiet).toBeUndefined();
    // In school hours (10:00 Moscow) the same message rings.
    advanceToUtcHour(7);
    const morning = await send(s.parent, 'Доброе утро!', { chatId: room.id });
    expect((await eventFor(s.classTeacher, morning.id))?.quiet).toBeUndefined();
  });
});

describe('search', () => {
  it('finds words in any form (Russian morphology), only in one’s current chats and never before joining', async () => {
    const room = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Поиск', memberIds: [s.parent.userId] });
    const before = await send(s.classTeacher, 'Контрольная по геометрии перенесена', { chatId: room.id });
    await call(t, s.classTeacher, 'POST', `/api/chats/${room.id}/members`, { userIds: [s.student.userId] }, [204]);
    const after = await send(s.classTeacher, 'Возьмите учебники по геометрии', { chatId: room.id });
    const removed = await send(s.classTeacher, 'Учебник забыли дома', { chatId: room.id });
    await call(t, s.classTeacher, 'DELETE', `/api/chats/${room.id}/messages/${removed.id}`);

    const search = (as: SignedIn, q: string, chatId?: string) =>
      call<{ results: { chatId: string; chatTitle: string; message: TMessage }[] }>(t, as, 'GET', `/api/chats/search?q=${encodeURIComponent(q)}${chatId ? `&chatId=${chatId}` : ''}`);
    // «геометрия» finds «геометрии»; the teacher sees both, the student only what came after they joined.
    expect((await search(s.classTeacher, 'геометрия', room.id)).results.map((r) => r.message.id)).toEqual([after.id, before.id]);
    expect((await search(s.student, 'геометрия')).results.map((r) => r.message.id)).toEqual([after.id]);
    // «учебник» finds «учебники», not the deleted message.
    const found = await search(s.parent, 'учебник');
    expect(found.results.map((r) => [r.message.id, r.chatTitle])).toEqual([[after.id, 'Поиск']]);
    // Someone who is not in the chat is told it does not exist; after leaving, nothing is found there.
    expect((await inject(s.teacher, 'GET', `/api/chats/search?q=${encodeURIComponent('геометрия')}&chatId=${room.id}`)).statusCode).toBe(404);
    await call(t, s.parent, 'POST', `/api/chats/${room.id}/leave`, undefined, [204]);
    expect((await search(s.parent, 'учебник')).results).toEqual([]);
    expect((await inject(s.parent, 'GET', '/api/chats/search?q=x')).statusCode).toBe(400);
  });
});

describe('delivery guarantees', () => {
  it('stores a message once when the server died after commit and before replying, and the client retried on another', async () => {
    // The first node commits, then hangs in publishing: its reply never comes (as if it died there).
    const stuckBus: EventBus = { publish: () => new Promise(() => undefined), subscribe: () => () => undefined, close: async () => undefined };
    const dying = await buildApp({ config: t.config, database: t.database, clock: t.clock, logger: false, bus: stuckBus });
    await dying.app.ready();
    const clientId = randomUUID();
    const lost = dying.app.inject({ method: 'POST', url: `/api/chats/${chat.id}/messages`, headers: asUser(s.parent), payload: { clientId, text: 'Отправлено один раз' } });
    let replied = false;
    void lost.then(
      () => (replied = true),
      () => undefined, // rejected when the app closes below: no reply either
    );
    // Committed (however long that takes under load), and still no reply: the publish after the commit hangs.
    const committed = await waitFor(
      async () => {
        const rows = await t.database.db.selectFrom('messages').select('id').where('client_id', '=', clientId).execute();
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 10_000, what: 'the message to be committed' },
    );
    expect(committed).toHaveLength(1);
    // A moment later, still no reply (a reply that came anyway would show here).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replied).toBe(false);
    await dying.app.close(); // the database is shared and stays open

    const retry = await inject(s.parent, 'POST', `/api/chats/${chat.id}/messages`, { clientId, text: 'Отправлено один раз' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json<TMessage>().id).toBe(committed[0]!.id);
    expect((await history(s.student)).filter((m) => m.clientId === clientId)).toHaveLength(1);
  });

  it('stores concurrent sends to one chat once each, numbered without gaps, and tells every member in that order', async () => {
    const room = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Наперегонки', memberIds: [s.parent.userId, s.student.userId] });
    const before = await latestEventSeq(s.student);
    const senders = [s.classTeacher, s.parent, s.student];
    // Several at once: they wait in the node and commit together in batches; one is refused before it queues (a reply to nothing).
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        inject(senders[i % 3]!, 'POST', `/api/chats/${room.id}/messages`, { clientId: randomUUID(), text: `№${i}`, ...(i === 7 ? { replyToId: randomUUID() } : {}) }),
      ),
    );
    expect(responses.map((r) => r.statusCode).filter((code) => code !== 201)).toEqual([400]);
    const stored = await history(s.student, room.id);
    const texts = stored.filter((m) => m.text.startsWith('№')).map((m) => m.text);
    expect(new Set(texts).size).toBe(23);
    const seqs = stored.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    const told = (await eventsOf(s.student, 'message.created', before)).map((e) => (e.message as TMessage).seq);
    expect(told).toEqual(stored.filter((m) => m.text.startsWith('№')).map((m) => m.seq));
  });

  it('refuses sends at once with 503 and Retry-After when too many already wait on this node, storing nothing', async () => {
    // A node that takes one send at a time and whose first send never finishes (its publishing hangs).
    const stuckBus: EventBus = { publish: () => new Promise(() => undefined), subscribe: () => () => undefined, close: async () => undefined };
    const busy = await buildApp({ config: t.config, database: t.database, clock: t.clock, logger: false, bus: stuckBus, maxPendingSends: 1 });
    await busy.app.ready();
    try {
      const post = (text: string) => busy.app.inject({ method: 'POST', url: `/api/chats/${chat.id}/messages`, headers: asUser(s.parent), payload: { clientId: randomUUID(), text } });
      void post('занимает очередь');
      await waitFor(async () => (await t.database.db.selectFrom('messages').select('id').where('body', '=', 'занимает очередь').execute()).length === 1, { what: 'the first send to commit' });
      const refused = await post('лишнее');
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toMatchObject({ error: { code: 'unavailable' } });
      expect(await t.database.db.selectFrom('messages').select('id').where('body', '=', 'лишнее').execute()).toEqual([]);
    } finally {
      await busy.app.close();
    }
  });

  it('limits how fast one person sends (429 with Retry-After); a retry of a stored message is not counted', async () => {
    const limited = await startTestApp({ sendLimit: { messages: 3, windowMs: 10_000 } });
    try {
      const school = await populateSchool(limited);
      const room = await call<TChat>(limited, school.classTeacher, 'POST', `/api/organizations/${school.organizationId}/chats`, { title: 'Лимит', memberIds: [school.parent.userId] });
      const post = (clientId: string) => limited.app.inject({ method: 'POST', url: `/api/chats/${room.id}/messages`, headers: asUser(school.parent), payload: { clientId, text: 'спам' } });
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) expect((await post(id)).statusCode).toBe(201);
      const fourth = await post(randomUUID());
      expect(fourth.statusCode).toBe(429);
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
      expect((await post(ids[0]!)).statusCode).toBe(200);
      limited.clock.advance(10_001);
      expect((await post(randomUUID())).statusCode).toBe(201);
    } finally {
      await limited.close();
    }
  });

  it('replays: the state a member held, with the events since, equals the state fetched afterwards', async () => {
    const me = s.parent;
    const room = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Повтор', memberIds: [me.userId, s.student.userId] });
    const early = await send(s.classTeacher, 'Начало', { chatId: room.id });
    const mine = await send(me, 'Мой вопрос', { chatId: room.id });
    const schoolChannel = (await call<TListChatsResponse>(t, me, 'GET', '/api/chats')).chats.find((c) => c.organizationId === s.organizationId && c.systemChannel === 'school')!;
    const post = await send(s.admin, 'Подтвердите, что прочитали', { chatId: schoolChannel.id, requiresAck: true });

    const fetchState = async () => {
      const channelPage = await call<TListMessagesResponse>(t, me, 'GET', `/api/chats/${schoolChannel.id}/messages?limit=100`);
      return {
        chats: (await call<TListChatsResponse>(t, me, 'GET', '/api/chats')).chats,
        messages: await history(me, room.id),
        channelMessages: channelPage.messages.reverse(),
        acknowledged: channelPage.acknowledged,
      };
    };
    const before = await fetchState();
    const fromSeq = await latestEventSeq(me);

    // Every kind of chat event reaches the parent.
    t.clock.advance(1_000);
    const answer = await send(s.classTeacher, 'Ответ', { chatId: room.id, replyToId: mine.id }); // message.created
    await call(t, s.student, 'POST', `/api/chats/${room.id}/read`, { seq: answer.seq }, [204]); // chat.read (I am an author)
    await call(t, s.student, 'PUT', `/api/chats/${room.id}/messages/${mine.id}/reaction`, { emoji: '🙏' }); // message.updated
    await call(t, s.classTeacher, 'PATCH', `/api/chats/${room.id}/messages/${answer.id}`, { text: 'Ответ (уточнён)' }); // message.updated
    await call(t, s.classTeacher, 'DELETE', `/api/chats/${room.id}/messages/${early.id}`); // message.updated
    await call(t, s.classTeacher, 'PATCH', `/api/chats/${room.id}`, { title: 'Повтор — 2' }); // chat.updated + system message
    await call(t, s.classTeacher, 'PUT', `/api/chats/${room.id}/pin`, { messageId: answer.id }); // chat.updated (pinned) + system message
    await call(t, s.classTeacher, 'PATCH', `/api/chats/${room.id}/messages/${answer.id}`, { text: 'Ответ (ещё раз уточнён)' }); // message.updated of the pinned one
    await send(s.classTeacher, 'Ольга Ивановна, посмотрите', { chatId: room.id, mentionIds: [me.userId] }); // a mention of me
    await call(t, me, 'POST', `/api/chats/${schoolChannel.id}/messages/${post.id}/ack`, undefined, [204]); // message.acknowledged
    await call(t, me, 'PUT', `/api/chats/${room.id}/mute`, { muted: true }, [204]); // chat.muted
    await call(t, me, 'POST', `/api/chats/${room.id}/read`, { seq: 1_000 }, [204]); // chat.read (mine)
    t.clock.advance(1_000);
    const added = await call<TChat>(t, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Новый', memberIds: [me.userId] }); // chat.created
    await send(s.classTeacher, 'Добро пожаловать', { chatId: added.id });
    const gone = before.chats.find((c) => c.id === chat.id)!;
    await call(t, s.classTeacher, 'DELETE', `/api/chats/${gone.id}/members/${me.userId}`, undefined, [204]); // chat.removed

    const rows = await t.database.db.selectFrom('user_events').select(['name', 'payload']).where('user_id', '=', me.userId).where('seq', '>', fromSeq).orderBy('seq').execute();
    const events = rows.map((row) => ({ name: row.name, data: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload }) as ChatEvent);
    expect(new Set(events.map((event) => event.name))).toEqual(
      new Set(['message.created', 'message.updated', 'message.acknowledged', 'chat.read', 'chat.updated', 'chat.muted', 'chat.created', 'chat.removed']),
    );

    let chats = before.chats;
    let messages = before.messages;
    let channelMessages = before.channelMessages;
    let acknowledged = before.acknowledged;
    for (const event of events) {
      chats = applyToChatList(chats, event, me.userId);
      messages = applyToMessages(messages, room.id, event, me.userId);
      channelMessages = applyToMessages(channelMessages, schoolChannel.id, event, me.userId);
      acknowledged = applyToAcknowledged(acknowledged, event, me.userId);
    }
    const after = await fetchState();
    const byId = (list: TChat[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(chats)).toEqual(byId(after.chats));
    expect(chats[0]!.id).toBe(after.chats[0]!.id); // the newest activity first (older ties may fall either way)
    expect(chats[0]!.id).toBe(added.id);
    // Read counts are kept current for the author's own messages only.
    const comparable = (list: TMessage[]) => list.map((m) => (m.author?.id === me.userId ? m : { ...m, readCount: 0 }));
    expect(comparable(messages)).toEqual(comparable(after.messages));
    expect(comparable(channelMessages)).toEqual(comparable(after.channelMessages));
    expect(acknowledged).toEqual([post.id]);
    expect(acknowledged).toEqual(after.acknowledged);
  });
});
