import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { anna, chat, eventFrame, ivan, me, message, withLast } from '../../testing/chat-fixtures';
import { testMe } from '../../testing/render-app';
import { createEventRegistry } from '../../platform/realtime/event-registry';
import type { RealtimeEvent } from '../../platform/realtime/protocol';
import { meQueryKey } from '../../platform/session/me-api';
import { registerChatEventHandlers } from './chat-events';
import { chatListQueryKey, chatMessagesQueryKey } from './chats-api';
import { acknowledgedIds, messagesOldestFirst, upsertMessage, type MessagePages } from './message-pages';
import { applyEventToList, totalUnread } from './chat-list';
import { buildMessageRows } from './message-rows';
import { addPending, outboxQueryKey, readOutbox } from './outbox-store';

function setUp() {
  const queryClient = new QueryClient();
  queryClient.setQueryData(meQueryKey, testMe);
  const registry = createEventRegistry();
  registerChatEventHandlers({ registry, queryClient });
  let seq = 0;
  const send = (name: string, data: unknown) => registry.dispatch(eventFrame((seq += 1), name, data) as RealtimeEvent);
  return { queryClient, send };
}

const pagesOf = (...pages: ReturnType<typeof message>[][]): MessagePages => ({ pages: pages.map((messages) => ({ messages, acknowledged: [] })), pageParams: pages.map((_, index) => (index === 0 ? null : index)) });

describe('chat caches under events', () => {
  it('a message.created for a pending clientId replaces it: shown once', () => {
    const { queryClient, send } = setUp();
    const group = chat({ title: 'Учительская' });
    queryClient.setQueryData(chatMessagesQueryKey(group.id), pagesOf([message(group, { seq: 1 })]));
    const clientId = crypto.randomUUID();
    addPending(queryClient, { clientId, chatId: group.id, text: 'Привет', replyTo: null, createdAt: new Date().toISOString(), status: 'sending', isRetryable: true });
    const stored = message(group, { seq: 2, author: me, clientId, text: 'Привет' });
    send('message.created', { message: stored });
    send('message.created', { message: stored });
    expect(readOutbox(queryClient)).toEqual([]);
    const messages = messagesOldestFirst(queryClient.getQueryData(chatMessagesQueryKey(group.id)));
    expect(messages.map((item) => item.seq)).toEqual([1, 2]);
    expect(buildMessageRows({ messages, pending: [{ clientId, chatId: group.id, text: 'Привет', replyTo: null, createdAt: stored.createdAt, status: 'sending', isRetryable: true }], unreadAfterSeq: Infinity, meId: me.id, isHistoryComplete: true }).filter((row) => row.kind === 'pending' || row.kind === 'message')).toHaveLength(2);
  });

  it('chat.read from someone else adds one reader to the person’s own messages in the range, only once per reader', () => {
    const { queryClient, send } = setUp();
    const group = chat({ title: '5А' });
    const history = [message(group, { seq: 3, author: me, readCount: 0 }), message(group, { seq: 2, author: anna }), message(group, { seq: 1, author: me, readCount: 2 })];
    queryClient.setQueryData(chatMessagesQueryKey(group.id), pagesOf(history));
    send('chat.read', { chatId: group.id, userId: ivan.id, fromSeq: 1, toSeq: 3 });
    const counts = () => messagesOldestFirst(queryClient.getQueryData(chatMessagesQueryKey(group.id))).map((item) => item.readCount);
    expect(counts()).toEqual([2, 0, 1]);
    send('chat.read', { chatId: group.id, userId: me.id, fromSeq: 0, toSeq: 3 });
    expect(counts()).toEqual([2, 0, 1]);
  });

  it('the person’s own chat.read (another device) clears the unread counter', () => {
    const { queryClient, send } = setUp();
    const group = chat({ title: '5А' });
    queryClient.setQueryData(chatListQueryKey, { chats: [withLast(group, message(group, { seq: 9 }), 4)] });
    send('chat.read', { chatId: group.id, userId: me.id, fromSeq: 5, toSeq: 7 });
    expect(queryClient.getQueryData<{ chats: { unreadCount: number; lastReadSeq: number }[] }>(chatListQueryKey)?.chats[0]).toMatchObject({ unreadCount: 2, lastReadSeq: 7 });
    send('chat.read', { chatId: group.id, userId: me.id, fromSeq: 7, toSeq: 9 });
    expect(queryClient.getQueryData<{ chats: { unreadCount: number }[] }>(chatListQueryKey)?.chats[0]?.unreadCount).toBe(0);
  });

  it('message.updated replaces the stored copy without moving the chat or counting it unread', () => {
    const { queryClient, send } = setUp();
    const first = chat({ title: 'Первый' });
    const second = chat({ title: 'Второй' });
    const old = message(second, { seq: 3 });
    queryClient.setQueryData(chatListQueryKey, { chats: [withLast(first, message(first, { seq: 5 })), withLast(second, old)] });
    queryClient.setQueryData(chatMessagesQueryKey(second.id), pagesOf([old]));
    send('message.updated', { message: { ...old, deletedAt: new Date().toISOString(), text: '' } });
    const list = queryClient.getQueryData<{ chats: { title: string; unreadCount: number; lastMessage: { deletedAt: string | null } | null }[] }>(chatListQueryKey)!;
    expect(list.chats.map((item) => item.title)).toEqual(['Первый', 'Второй']);
    expect(list.chats[1]?.unreadCount).toBe(0);
    expect(list.chats[1]?.lastMessage?.deletedAt).not.toBeNull();
    expect(messagesOldestFirst(queryClient.getQueryData(chatMessagesQueryKey(second.id)))[0]?.deletedAt).not.toBeNull();
  });

  it('keeps the outbox through a refetch of everything (resync)', async () => {
    const { queryClient } = setUp();
    addPending(queryClient, { clientId: crypto.randomUUID(), chatId: chat({ title: 'x' }).id, text: 'Жду связи', replyTo: null, createdAt: new Date().toISOString(), status: 'failed', isRetryable: true });
    await queryClient.invalidateQueries();
    expect(queryClient.getQueryData<unknown[]>(outboxQueryKey)).toHaveLength(1);
  });
});

describe('chat events by the rules of chat-state', () => {
  it('a mention of the person counts in unreadMentionCount, and gets through a mute in the menu’s count', () => {
    const { queryClient, send } = setUp();
    const group = chat({ title: 'Родители 5А', muted: true });
    queryClient.setQueryData(chatListQueryKey, { chats: [withLast(group, message(group, { seq: 2 }), 1)] });
    send('message.created', { message: message(group, { seq: 3, author: anna, mentions: [me] }) });
    send('message.created', { message: message(group, { seq: 4, author: anna }) });
    const list = queryClient.getQueryData<{ chats: { unreadCount: number; unreadMentionCount: number }[] }>(chatListQueryKey)!;
    expect(list.chats[0]).toMatchObject({ unreadCount: 3, unreadMentionCount: 1 });
    expect(totalUnread(list as never)).toBe(1);
    // Reading everything clears the mentions too.
    send('chat.read', { chatId: group.id, userId: me.id, fromSeq: 1, toSeq: 4 });
    expect(queryClient.getQueryData<{ chats: { unreadMentionCount: number }[] }>(chatListQueryKey)?.chats[0]?.unreadMentionCount).toBe(0);
  });

  it('chat.updated brings the pinned message and the write mode; message.updated changes the pinned quote', () => {
    const { queryClient, send } = setUp();
    const group = chat({ title: '5А' });
    const rule = message(group, { seq: 1, text: 'Правило' });
    queryClient.setQueryData(chatListQueryKey, { chats: [withLast(group, rule)] });
    send('chat.updated', { chatId: group.id, title: '5А — класс', onlyAdminsWrite: true, memberCount: 4, pinned: { id: rule.id, seq: 1, author: anna, text: 'Правило', deleted: false } });
    const listed = () => queryClient.getQueryData<{ chats: ReturnType<typeof chat>[] }>(chatListQueryKey)!.chats[0]!;
    expect(listed()).toMatchObject({ title: '5А — класс', onlyAdminsWrite: true, canWrite: false, memberCount: 4 });
    send('message.updated', { message: { ...rule, text: 'Правило (уточнено)', editedAt: new Date().toISOString() } });
    expect(listed().pinned?.text).toBe('Правило (уточнено)');
  });

  it('message.acknowledged changes the post’s count, and the person’s own confirmation joins the confirmed ids', () => {
    const { queryClient, send } = setUp();
    const channel = chat({ title: 'Канал', kind: 'channel' });
    const post = message(channel, { seq: 1, acknowledgements: { count: 0 } });
    queryClient.setQueryData(chatMessagesQueryKey(channel.id), pagesOf([post]));
    send('message.acknowledged', { chatId: channel.id, messageId: post.id, userId: ivan.id, count: 1 });
    const data = () => queryClient.getQueryData<MessagePages>(chatMessagesQueryKey(channel.id));
    expect(messagesOldestFirst(data())[0]?.acknowledgements).toEqual({ count: 1 });
    expect(acknowledgedIds(data()).has(post.id)).toBe(false);
    send('message.acknowledged', { chatId: channel.id, messageId: post.id, userId: me.id, count: 2 });
    expect(acknowledgedIds(data()).has(post.id)).toBe(true);
    const before = data();
    send('message.acknowledged', { chatId: channel.id, messageId: post.id, userId: me.id, count: 2 });
    expect(data()).toBe(before);
  });

  it('keeps the same list when an event changes nothing', () => {
    const group = chat({ title: '5А' });
    const list = { chats: [withLast(group, message(group, { seq: 3 }))] };
    expect(applyEventToList(list, { name: 'chat.muted', data: { chatId: 'b0000000-0000-4000-8000-000000000000', muted: true } }, me.id)).toBe(list);
    expect(applyEventToList(list, { name: 'message.created', data: { message: message(group, { seq: 2 }) } }, me.id)).toBe(list);
  });
});

describe('message pages', () => {
  it('puts a message by seq: newest first, in the page it belongs to, never twice', () => {
    const group = chat({ title: '5А' });
    const m = (seq: number) => message(group, { seq });
    let data: MessagePages | undefined = pagesOf([m(6), m(5), m(3)], [m(2), m(1)]);
    data = upsertMessage(data, m(7));
    data = upsertMessage(data, m(4));
    const seven = messagesOldestFirst(data).find((item) => item.seq === 7)!;
    data = upsertMessage(data, { ...seven, text: 'изменено' });
    expect(messagesOldestFirst(data).map((item) => item.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(messagesOldestFirst(data).at(-1)?.text).toBe('изменено');
    expect(upsertMessage(undefined, m(8))).toBeUndefined();
  });
});
