import type { TChat, TEventPayload, TListChatsResponse, TMe, TMessage } from '@parta/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { meQueryKey } from '../../platform/session/me-api';
import { applyMessageToChat, applyOwnRead, putChatFirst, removeChatFromList, updateChatInList } from './chat-list';
import { chatListQueryKey, chatMembersQueryKey, chatMessagesQueryKey, chatQueryKey } from './chats-api';
import { updateMessagesInRange, upsertMessage, type MessagePages } from './message-pages';
import { removePending } from './outbox-store';

/**
 * What the chats feature does to the TanStack Query caches when something happens — an event, or
 * the answer to the person's own request. The list, the open chat and its history are changed in
 * place; nothing is refetched unless the cache cannot know the answer.
 */

export function signedInUserId(queryClient: QueryClient): string | undefined {
  return queryClient.getQueryData<TMe | null>(meQueryKey)?.id;
}

/** Changes a chat wherever it is cached: in the list and as the open chat. */
export function updateChat(queryClient: QueryClient, chatId: string, change: (chat: TChat) => TChat): void {
  queryClient.setQueryData<TListChatsResponse>(chatListQueryKey, (list) => updateChatInList(list, chatId, change));
  queryClient.setQueryData<TChat>(chatQueryKey(chatId), (chat) => (chat ? change(chat) : chat));
}

/** A chat the person is in now (created, joined): first in the list. */
export function receiveChat(queryClient: QueryClient, chat: TChat): void {
  queryClient.setQueryData<TListChatsResponse>(chatListQueryKey, (list) => putChatFirst(list, chat));
  queryClient.setQueryData(chatQueryKey(chat.id), chat);
}

/**
 * A message as the server stored it — from `message.created`, `message.updated` or the answer to
 * the person's own send. Replaces the pending copy with the same clientId, so it is never shown
 * twice, whichever of the answer and the event comes first.
 */
export function receiveMessage(queryClient: QueryClient, message: TMessage): void {
  const meId = signedInUserId(queryClient);
  if (message.clientId !== null) removePending(queryClient, message.chatId, message.clientId);
  queryClient.setQueryData<MessagePages>(chatMessagesQueryKey(message.chatId), (data) => upsertMessage(data, message));

  const list = queryClient.getQueryData<TListChatsResponse>(chatListQueryKey);
  const listed = list?.chats.find((chat) => chat.id === message.chatId);
  if (list && !listed) {
    // A chat this list does not know yet (its chat.created is still on its way): ask for the list.
    void queryClient.invalidateQueries({ queryKey: chatListQueryKey, exact: true });
  } else if (listed) {
    const changed = applyMessageToChat(listed, message, meId);
    // Only a newer message moves the chat up; an edit or a reaction leaves it where it is.
    const next = changed.lastSeq > listed.lastSeq ? putChatFirst(list, changed) : updateChatInList(list, message.chatId, () => changed);
    queryClient.setQueryData(chatListQueryKey, next);
  }
  queryClient.setQueryData<TChat>(chatQueryKey(message.chatId), (chat) => (chat ? applyMessageToChat(chat, message, meId) : chat));
}

/**
 * `chat.read`: the person's own reading (any device) moves their unread counter; someone else's
 * reading counts on the person's own messages it covered («прочитали N»).
 */
export function receiveRead(queryClient: QueryClient, { chatId, userId, fromSeq, toSeq }: TEventPayload<'chat.read'>): void {
  const meId = signedInUserId(queryClient);
  if (userId === meId) {
    updateChat(queryClient, chatId, (chat) => applyOwnRead(chat, toSeq));
    return;
  }
  queryClient.setQueryData<MessagePages>(chatMessagesQueryKey(chatId), (data) =>
    updateMessagesInRange(data, fromSeq, toSeq, (message) => (message.author?.id === meId && message.author?.id !== userId ? { ...message, readCount: message.readCount + 1 } : message)),
  );
  // Readers lists already opened are stale now; they refetch when shown again.
  void queryClient.invalidateQueries({ queryKey: ['chats', 'readers', chatId], refetchType: 'active' });
}

/** The person left or was removed: the chat leaves the list, and an open chat learns it is gone. */
export function forgetChat(queryClient: QueryClient, chatId: string): void {
  queryClient.setQueryData<TListChatsResponse>(chatListQueryKey, (list) => removeChatFromList(list, chatId));
  queryClient.removeQueries({ queryKey: chatMessagesQueryKey(chatId) });
  queryClient.removeQueries({ queryKey: chatMembersQueryKey(chatId) });
  void queryClient.invalidateQueries({ queryKey: chatQueryKey(chatId) });
}
