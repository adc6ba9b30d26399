import type { QueryClient } from '@tanstack/react-query';
import type { EventRegistry } from '../../platform/realtime/event-registry';
import { applyEventToChats, forgetChat, receiveAcknowledgement, receiveChat, receiveMessage, receiveRead, signedInUserId } from './chat-cache';
import { chatMembersQueryKey, reportsQueryKey } from './chats-api';
import { resendWaiting } from './outbox';
import { configureOutbox } from './outbox-store';
import { configureQuietChats, markChatQuiet } from './quiet-store';
import { configureUploads } from './upload-store';

/**
 * Chat events change the cached list, the open chat and its history in place (no refetch of
 * everything), by the rules of @parta/contracts/chat-state; a resync refetches every query anyway.
 * When the connection is ready again, messages that could not be sent for want of it are resent
 * with their clientIds.
 */
export function registerChatEventHandlers({ registry, queryClient }: { registry: EventRegistry; queryClient: QueryClient }): () => void {
  configureOutbox(queryClient);
  configureQuietChats(queryClient);
  configureUploads(queryClient);
  const stops = [
    registry.onEvent('chat.created', ({ chat }) => receiveChat(queryClient, chat)),
    registry.onEvent('chat.removed', ({ chatId }) => forgetChat(queryClient, chatId)),
    registry.onEvent('chat.updated', (data) => {
      applyEventToChats(queryClient, data.chatId, { name: 'chat.updated', data });
      if (queryClient.getQueryData(chatMembersQueryKey(data.chatId))) void queryClient.invalidateQueries({ queryKey: chatMembersQueryKey(data.chatId) });
    }),
    registry.onEvent('chat.muted', (data) => applyEventToChats(queryClient, data.chatId, { name: 'chat.muted', data })),
    registry.onEvent('chat.read', (read) => receiveRead(queryClient, read)),
    registry.onEvent('message.created', ({ message, quiet }) => {
      receiveMessage(queryClient, message, 'created');
      if (quiet && message.author?.id !== signedInUserId(queryClient)) markChatQuiet(queryClient, message.chatId);
    }),
    registry.onEvent('message.updated', ({ message }) => receiveMessage(queryClient, message, 'updated')),
    registry.onEvent('message.acknowledged', (acknowledgement) => receiveAcknowledgement(queryClient, acknowledgement)),
    registry.onEvent('report.changed', ({ organizationId }) => void queryClient.invalidateQueries({ queryKey: reportsQueryKey(organizationId) })),
    registry.onReady(() => void resendWaiting(queryClient)),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
