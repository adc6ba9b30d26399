import type { TChat, TMessage } from './chats.ts';
import type { TEventName, TEventPayload } from './events.ts';

/**
 * How chat events change what a client holds: the one definition of it, used by the web app's
 * caches and by the server's replay test (state before + events = state fetched after).
 * Pure functions over plain data; each returns a new value and never mutates its input.
 */

/** The newest message as chat lists carry it: its quote, reactions, mentions and counts come with the history (its attachments stay, for «Фото»). */
export const asLastMessage = (message: TMessage): TMessage => ({
  ...message,
  replyTo: null,
  reactions: [],
  mentions: [],
  readCount: 0,
  acknowledgements: message.acknowledgements ? { count: 0 } : null,
});

export type ChatEvent = { [N in TEventName]: { name: N; data: TEventPayload<N> } }[TEventName];

const unread = (chat: TChat) => Math.max(0, chat.lastSeq - chat.lastReadSeq);

/** A chat in the list after an event (undefined: the event removes it; the same object: no change). */
export function applyToChat(chat: TChat, event: ChatEvent, me: string): TChat | undefined {
  switch (event.name) {
    case 'chat.removed':
      return event.data.chatId === chat.id ? undefined : chat;
    case 'chat.updated': {
      if (event.data.chatId !== chat.id) return chat;
      const { title, onlyAdminsWrite, memberCount, pinned } = event.data;
      return { ...chat, title: chat.kind === 'direct' ? chat.title : title, onlyAdminsWrite, memberCount, pinned, canWrite: !onlyAdminsWrite || chat.myRole === 'admin' };
    }
    case 'chat.muted':
      return event.data.chatId === chat.id ? { ...chat, muted: event.data.muted } : chat;
    case 'chat.read': {
      if (event.data.chatId !== chat.id || event.data.userId !== me) return chat;
      const next = { ...chat, lastReadSeq: Math.max(chat.lastReadSeq, event.data.toSeq) };
      const unreadCount = unread(next);
      // Everything read: no unread mention is left. (Part read: the count stays until the chat is fetched.)
      return { ...next, unreadCount, unreadMentionCount: unreadCount === 0 ? 0 : chat.unreadMentionCount };
    }
    case 'message.created': {
      const { message } = event.data;
      if (message.chatId !== chat.id || message.seq <= (chat.lastMessage?.seq ?? 0)) return chat;
      const next = { ...chat, lastSeq: Math.max(chat.lastSeq, message.seq), lastMessage: asLastMessage(message) };
      // One's own message, and the notice of what one did (renamed, pinned…), are read already.
      if (message.author?.id === me || message.system?.actor?.id === me) next.lastReadSeq = Math.max(next.lastReadSeq, message.seq);
      if (message.author?.id !== me && message.mentions.some((person) => person.id === me)) next.unreadMentionCount = chat.unreadMentionCount + 1;
      return { ...next, unreadCount: unread(next) };
    }
    case 'message.updated': {
      const { message } = event.data;
      const pinned = chat.pinned?.id === message.id ? { ...chat.pinned, text: message.deletedAt ? '' : message.text.slice(0, 200), deleted: message.deletedAt !== null } : chat.pinned;
      return chat.lastMessage?.id === message.id || pinned !== chat.pinned ? { ...chat, pinned, lastMessage: chat.lastMessage?.id === message.id ? asLastMessage(message) : chat.lastMessage } : chat;
    }
    default:
      return chat;
  }
}

/** The chat list after an event: new chats join, removed ones leave, the newest activity comes first. */
export function applyToChatList(chats: readonly TChat[], event: ChatEvent, me: string): TChat[] {
  let next = chats.flatMap((chat) => {
    const changed = applyToChat(chat, event, me);
    return changed ? [changed] : [];
  });
  if (event.name === 'chat.created') next = [event.data.chat, ...next.filter((chat) => chat.id !== event.data.chat.id)];
  if (event.name === 'message.created' || event.name === 'chat.created') {
    next = [...next].sort((a, b) => (b.lastMessage?.createdAt ?? '').localeCompare(a.lastMessage?.createdAt ?? ''));
  }
  return next;
}

/**
 * One chat's loaded messages (ascending by seq) after an event. A pending message of the
 * signed-in person with the same clientId is replaced, never shown twice.
 */
export function applyToMessages(messages: readonly TMessage[], chatId: string, event: ChatEvent, me: string): TMessage[] {
  switch (event.name) {
    case 'message.created': {
      const { message } = event.data;
      if (message.chatId !== chatId) return [...messages];
      const rest = messages.filter((m) => m.id !== message.id && !(message.clientId !== null && m.clientId === message.clientId && m.author?.id === message.author?.id));
      return [...rest, message].sort((a, b) => a.seq - b.seq);
    }
    case 'message.updated': {
      const { message } = event.data;
      return messages.map((m) => (m.id === message.id ? message : m));
    }
    case 'chat.read': {
      const { chatId: readChat, userId, fromSeq, toSeq } = event.data;
      if (readChat !== chatId || userId === me) return [...messages];
      return messages.map((m) => (m.author?.id === me && m.author.id !== userId && m.seq > fromSeq && m.seq <= toSeq ? { ...m, readCount: m.readCount + 1 } : m));
    }
    case 'message.acknowledged': {
      const { messageId, count } = event.data;
      return messages.map((m) => (m.id === messageId && m.acknowledgements ? { ...m, acknowledgements: { count } } : m));
    }
    case 'chat.removed':
      return event.data.chatId === chatId ? [] : [...messages];
    default:
      return [...messages];
  }
}

/** The ids of the posts the signed-in person has confirmed, after an event. */
export function applyToAcknowledged(acknowledged: readonly string[], event: ChatEvent, me: string): string[] {
  if (event.name !== 'message.acknowledged' || event.data.userId !== me || acknowledged.includes(event.data.messageId)) return [...acknowledged];
  return [...acknowledged, event.data.messageId];
}
