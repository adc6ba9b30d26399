import type { QueryClient } from '@tanstack/react-query';
import type { EventRegistry } from '../../platform/realtime/event-registry';
import { forgetChat, receiveChat, receiveMessage, receiveRead, updateChat } from './chat-cache';
import { chatMembersQueryKey } from './chats-api';
import { resendWaiting } from './outbox';
import { configureOutbox } from './outbox-store';

/**
 * Chat events change the cached list, the open chat and its history in place (no refetch of
 * everything); a resync refetches every query anyway. When the connection is ready again, messages
 * that could not be sent for want of it are resent with their clientIds.
 */
export function registerChatEventHandlers({ registry, queryClient }: { registry: EventRegistry; queryClient: QueryClient }): () => void {
  configureOutbox(queryClient);
  const stops = [
    registry.onEvent('chat.created', ({ chat }) => receiveChat(queryClient, chat)),
    registry.onEvent('chat.removed', ({ chatId }) => forgetChat(queryClient, chatId)),
    registry.onEvent('chat.updated', ({ chatId, title, onlyAdminsWrite, memberCount, pinned }) => {
      updateChat(queryClient, chatId, (chat) => ({
        ...chat,
        title,
        onlyAdminsWrite,
        memberCount,
        pinned,
        // The write mode decides for members; other reasons not to write stay as the server said.
        canWrite: chat.onlyAdminsWrite === onlyAdminsWrite ? chat.canWrite : onlyAdminsWrite ? chat.myRole === 'admin' : true,
      }));
      if (queryClient.getQueryData(chatMembersQueryKey(chatId))) void queryClient.invalidateQueries({ queryKey: chatMembersQueryKey(chatId) });
    }),
    registry.onEvent('chat.muted', ({ chatId, muted }) => updateChat(queryClient, chatId, (chat) => (chat.muted === muted ? chat : { ...chat, muted }))),
    registry.onEvent('chat.read', (read) => receiveRead(queryClient, read)),
    registry.onEvent('message.created', ({ message }) => receiveMessage(queryClient, message)),
    registry.onEvent('message.updated', ({ message }) => receiveMessage(queryClient, message)),
    registry.onReady(() => void resendWaiting(queryClient)),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
