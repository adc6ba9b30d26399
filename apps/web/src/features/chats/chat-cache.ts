import type { ChatEvent, TChat, TEventPayload, TListChatsResponse, TMe, TMessage } from '@parta/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { meQueryKey } from '../../platform/session/me-api';
import { applyEventToChat, applyEventToList, putChatFirst, updateChatInList } from './chat-list';
import { acknowledgementsQueryKey, chatListQueryKey, chatMembersQueryKey, chatMessagesQueryKey, chatQueryKey } from './chats-api';
import { applyEventToPages, upsertMessage, type MessagePages } from './message-pages';
import { removePending } from './outbox-store';

/**
 * What the chats feature does to the TanStack Query caches when something happens — an event, or
 * the answer to the person's own request. The list, the open chat and its history are changed in
 * place (by the rules of @parta/contracts/chat-state); nothing is refetched unless the cache
 * cannot know the answer.
 */

export function signedInUserId(queryClient: QueryClient): string | undefined {
  return queryClient.getQueryData<TMe | null>(meQueryKey)?.id;
}

/** Changes a chat wherever it is cached: in the list and as the open chat. */
export function updateChat(queryClient: QueryClient, chatId: string, change: (chat: TChat) => TChat): void {
  queryClient.setQueryData<TListChatsResponse>(chatListQueryKey, (list) => updateChatInList(list, chatId, change));
  queryClient.setQueryData<TChat>(chatQueryKey(chatId), (chat) => (chat ? change(chat) : chat));
}

/** An event as chat-state applies it, to the list and to the open chat. */
export function applyEventToChats(queryClient: QueryClient, chatId: string, event: ChatEvent): void {
  const meId = signedInUserId(queryClient);
  queryClient.setQueryData<TListChatsResponse>(chatListQueryKey, (list) => applyEventToList(list, event, meId));
  queryClient.setQueryData<TChat>(chatQueryKey(chatId), (chat) => (chat ? applyEventToChat(chat, event, meId) : chat));
}

/** An event as chat-state applies it to a chat's loaded history. */
export function applyEventToHistory(queryClient: QueryClient, chatId: string, event: ChatEvent): void {
  const meId = signedInUserId(queryClient) ?? '';
  queryClient.setQueryData<MessagePages>(chatMessagesQueryKey(chatId), (data) => applyEventToPages(data, chatId, event, meId));
}

/** A chat the person is in now (created, joined, subscribed): first in the list. */
export function receiveChat(queryClient: QueryClient, chat: TChat): void {
  queryClient.setQueryData<TListChatsResponse>(chatListQueryKey, (list) => putChatFirst(list, chat));
  queryClient.setQueryData(chatQueryKey(chat.id), chat);
}

/**
 * A message as the server stored it — from `message.created`, `message.updated` or the answer to
 * the person's own request (a send is 'created'; an edit, deletion or reaction 'updated').
 * Replaces the pending copy with the same clientId, so it is never shown twice, whichever of the
 * answer and the event comes first.
 */
export function receiveMessage(queryClient: QueryClient, message: TMessage, how: 'created' | 'updated' = 'created'): void {
  if (message.clientId !== null) removePending(queryClient, message.chatId, message.clientId);
  const event: ChatEvent = how === 'created' ? { name: 'message.created', data: { message } } : { name: 'message.updated', data: { message } };
  // A new message goes into its page; a changed one is replaced where it is.
  if (how === 'created') queryClient.setQueryData<MessagePages>(chatMessagesQueryKey(message.chatId), (data) => upsertMessage(data, message));
  else applyEventToHistory(queryClient, message.chatId, event);

  const list = queryClient.getQueryData<TListChatsResponse>(chatListQueryKey);
  if (list && !list.chats.some((chat) => chat.id === message.chatId)) {
    // A chat this list does not know yet (its chat.created is still on its way): ask for the list.
    void queryClient.invalidateQueries({ queryKey: chatListQueryKey, exact: true });
  }
  applyEventToChats(queryClient, message.chatId, event);
}

/**
 * `chat.read`: the person's own reading (any device) moves their unread counter; someone else's
 * reading counts on the person's own messages it covered («прочитали N»).
 */
export function receiveRead(queryClient: QueryClient, read: TEventPayload<'chat.read'>): void {
  const event: ChatEvent = { name: 'chat.read', data: read };
  applyEventToChats(queryClient, read.chatId, event);
  if (read.userId === signedInUserId(queryClient)) return;
  applyEventToHistory(queryClient, read.chatId, event);
  // Readers lists already opened are stale now; they refetch when shown again.
  void queryClient.invalidateQueries({ queryKey: ['chats', 'readers', read.chatId], refetchType: 'active' });
}

/** `message.acknowledged`: the post's count, and the person's own confirmation (any device). */
export function receiveAcknowledgement(queryClient: QueryClient, acknowledgement: TEventPayload<'message.acknowledged'>): void {
  applyEventToHistory(queryClient, acknowledgement.chatId, { name: 'message.acknowledged', data: acknowledgement });
  void queryClient.invalidateQueries({ queryKey: acknowledgementsQueryKey(acknowledgement.chatId, acknowledgement.messageId), refetchType: 'active' });
}

/** The person left or was removed: the chat leaves the list, and an open chat learns it is gone. */
export function forgetChat(queryClient: QueryClient, chatId: string): void {
  applyEventToChats(queryClient, chatId, { name: 'chat.removed', data: { chatId } });
  queryClient.removeQueries({ queryKey: chatMessagesQueryKey(chatId) });
  queryClient.removeQueries({ queryKey: chatMembersQueryKey(chatId) });
  void queryClient.invalidateQueries({ queryKey: chatQueryKey(chatId) });
}
