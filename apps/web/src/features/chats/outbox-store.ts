import type { TPersonRef, TReplyQuote } from '@parta/contracts';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

/**
 * Messages the person sent that the server has not confirmed yet («отправляется», «не отправлено»).
 * They live in the query cache beside the chats (so a sign-out forgets them too), never expire and
 * survive a reconnect; a message stays here until the server's copy with the same clientId arrives.
 */
/** What the person asked to send. */
export type MessageInput = {
  chatId: string;
  text: string;
  replyTo: TReplyQuote | null;
  /** Uploads (upload-store) sent with it, in order; the send waits until they are done. */
  attachmentIds?: readonly string[];
  /** Members named with @ (mentionIds). */
  mentionIds?: readonly string[];
  /** «Срочно». */
  urgent?: boolean;
  /** (Channel posts) «Попросить подтверждение». */
  requiresAck?: boolean;
  /** A forwarded message: its id (forwardFromId), and what it showed. */
  forwardFrom?: { id: string; author: TPersonRef | null; text: string } | null;
};

export type PendingMessage = MessageInput & {
  /** Chosen once; every retry sends the same id, so the server stores the message once. */
  clientId: string;
  createdAt: string;
  status: 'sending' | 'failed';
  /** The failure may pass by itself (no connection, server busy): resent when the connection is back. */
  isRetryable: boolean;
};

export const outboxQueryKey = ['chats', 'outbox'] as const;
const noPending: readonly PendingMessage[] = [];

/** The outbox must outlive every screen: it is never garbage-collected and never goes stale. */
export function configureOutbox(queryClient: QueryClient): void {
  queryClient.setQueryDefaults(outboxQueryKey, { gcTime: Infinity, staleTime: Infinity });
}

export function readOutbox(queryClient: QueryClient): readonly PendingMessage[] {
  return queryClient.getQueryData<readonly PendingMessage[]>(outboxQueryKey) ?? noPending;
}

function changeOutbox(queryClient: QueryClient, change: (pending: readonly PendingMessage[]) => readonly PendingMessage[]): void {
  const before = readOutbox(queryClient);
  const after = change(before);
  if (after !== before) queryClient.setQueryData(outboxQueryKey, after);
}

export function addPending(queryClient: QueryClient, pending: PendingMessage): void {
  changeOutbox(queryClient, (list) => [...list, pending]);
}

/** Changes a pending message if it is still pending (the server's copy may have arrived meanwhile). */
export function updatePending(queryClient: QueryClient, clientId: string, change: Partial<Pick<PendingMessage, 'status' | 'isRetryable'>>): void {
  changeOutbox(queryClient, (list) => (list.some((pending) => pending.clientId === clientId) ? list.map((pending) => (pending.clientId === clientId ? { ...pending, ...change } : pending)) : list));
}

export function removePending(queryClient: QueryClient, chatId: string, clientId: string): void {
  changeOutbox(queryClient, (list) => (list.some((pending) => pending.clientId === clientId && pending.chatId === chatId) ? list.filter((pending) => !(pending.clientId === clientId && pending.chatId === chatId)) : list));
}

/** The pending messages of one chat, oldest first. */
export function usePendingMessages(chatId: string): readonly PendingMessage[] {
  const select = useCallback((list: readonly PendingMessage[]) => list.filter((pending) => pending.chatId === chatId), [chatId]);
  // The query function only returns what is stored: a resync refetching everything must not empty the outbox.
  const { data } = useQuery({ queryKey: outboxQueryKey, queryFn: ({ client }) => readOutbox(client), initialData: noPending, select });
  return data;
}
