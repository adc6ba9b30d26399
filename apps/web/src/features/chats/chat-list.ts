import { applyToChat, applyToChatList, type ChatEvent, type TChat, type TListChatsResponse, type TMessage } from '@parta/contracts';

/**
 * The chat list and one chat as the caches keep them, changed by events without a refetch. How an
 * event changes a chat (unread and mention counters, read position, pinned message, write mode…)
 * is decided by `applyToChat` of @parta/contracts/chat-state — the one definition the server's
 * replay test checks; this file adds only what is the web app's own: keeping the same objects
 * when nothing changed (so nothing re-renders for nothing), and where a chat goes in the list.
 */

/** Who did it: the author of a message, or the actor of a system message. */
export function messageActorId(message: TMessage): string | undefined {
  return (message.author ?? message.system?.actor)?.id;
}

/** A chat after an event (the same object when the event does not change it). */
export function applyEventToChat(chat: TChat, event: ChatEvent, meId: string | undefined): TChat {
  return applyToChat(chat, event, meId ?? '') ?? chat;
}

/** The person read up to `toSeq` (here or on another device). */
export function applyOwnRead(chat: TChat, toSeq: number, meId: string): TChat {
  if (toSeq <= chat.lastReadSeq) return chat;
  return applyEventToChat(chat, { name: 'chat.read', data: { chatId: chat.id, userId: meId, fromSeq: chat.lastReadSeq, toSeq } }, meId);
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
  return applyEventToList(list, { name: 'chat.removed', data: { chatId } }, undefined);
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/**
 * The list after an event. Every chat changes by `applyToChatList`; the order is the web app's:
 * a chat that gets a newer message, or is new to the person, goes first. (chat-state re-sorts the
 * whole list by the last message's time, which sends a chat without messages — just created — to
 * the end, while the server lists it by its creation time; so that sort is not used here.)
 */
export function applyEventToList(list: TListChatsResponse | undefined, event: ChatEvent, meId: string | undefined): TListChatsResponse | undefined {
  if (!list) return list;
  if (event.name === 'chat.created') return putChatFirst(list, event.data.chat);
  if (event.name === 'message.created') {
    const index = list.chats.findIndex((chat) => chat.id === event.data.message.chatId);
    if (index === -1) return list;
    const before = list.chats[index]!;
    const after = applyEventToChat(before, event, meId);
    if (after === before) return list;
    return after.lastSeq > before.lastSeq ? putChatFirst(list, after) : updateChatInList(list, after.id, () => after);
  }
  const chats = applyToChatList(list.chats, event, meId ?? '');
  return sameItems(chats, list.chats) ? list : { ...list, chats };
}

/**
 * The count beside «Чаты» in the menu: unread messages of the chats the person has not muted, and
 * in muted chats the messages that mention them (a mention gets through a mute).
 */
export function totalUnread(list: TListChatsResponse | undefined): number {
  return (list?.chats ?? []).reduce((sum, chat) => sum + (chat.muted ? chat.unreadMentionCount : chat.unreadCount), 0);
}
