import type { TChat, TListChatsResponse, TMessage } from '@parta/contracts';

/**
 * The chat list and one chat as the caches keep them, changed by events without a refetch. Each
 * function returns the same object when nothing changed, so nothing re-renders for nothing.
 */

/** Who did it: the author of a message, or the actor of a system message. */
export function messageActorId(message: TMessage): string | undefined {
  return (message.author ?? message.system?.actor)?.id;
}

/**
 * A new (or changed) message in a chat: the list shows it as the last one; one from someone else
 * counts as unread, one of the person's own means they have read everything up to it.
 */
export function applyMessageToChat(chat: TChat, message: TMessage, meId: string | undefined): TChat {
  if (message.seq <= chat.lastSeq) {
    return chat.lastMessage?.id === message.id ? { ...chat, lastMessage: message } : chat;
  }
  const isMine = meId !== undefined && messageActorId(message) === meId;
  return {
    ...chat,
    lastMessage: message,
    lastSeq: message.seq,
    lastReadSeq: isMine ? message.seq : chat.lastReadSeq,
    unreadCount: isMine ? 0 : chat.unreadCount + 1,
  };
}

/** The person read up to `toSeq` (here or on another device). */
export function applyOwnRead(chat: TChat, toSeq: number): TChat {
  if (toSeq <= chat.lastReadSeq) return chat;
  // Everything after lastReadSeq is someone else's (sending one's own message reads up to it).
  const unreadCount = toSeq >= chat.lastSeq ? 0 : Math.min(chat.unreadCount, chat.lastSeq - toSeq);
  return { ...chat, lastReadSeq: toSeq, unreadCount };
}

/** Changes one chat of the list in place. */
export function updateChatInList(list: TListChatsResponse | undefined, chatId: string, change: (chat: TChat) => TChat): TListChatsResponse | undefined {
  if (!list) return list;
  const index = list.chats.findIndex((chat) => chat.id === chatId);
  if (index === -1) return list;
  const changed = change(list.chats[index]!);
  if (changed === list.chats[index]) return list;
  const chats = list.chats.slice();
  chats[index] = changed;
  return { ...list, chats };
}

/** Puts a chat at the top of the list (newest activity first), replacing its old entry. */
export function putChatFirst(list: TListChatsResponse | undefined, chat: TChat): TListChatsResponse | undefined {
  if (!list) return list;
  if (list.chats[0] === chat) return list;
  return { ...list, chats: [chat, ...list.chats.filter((other) => other.id !== chat.id)] };
}

export function removeChatFromList(list: TListChatsResponse | undefined, chatId: string): TListChatsResponse | undefined {
  if (!list || !list.chats.some((chat) => chat.id === chatId)) return list;
  return { ...list, chats: list.chats.filter((chat) => chat.id !== chatId) };
}

/** Unread messages over all chats the person has not muted (the badge on «Чаты»). */
export function totalUnread(list: TListChatsResponse | undefined): number {
  return (list?.chats ?? []).reduce((sum, chat) => (chat.muted ? sum : sum + chat.unreadCount), 0);
}
