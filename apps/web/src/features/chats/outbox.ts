import type { TSendMessageRequest } from '@parta/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../../platform/api';
import { receiveMessage } from './chat-cache';
import { sendMessage } from './chats-api';
import { addPending, readOutbox, updatePending, type MessageInput, type PendingMessage } from './outbox-store';
import { findUpload, forgetUploads, isRetryableUpload, restartFailedUploads, UploadFailed, waitForUploads } from './upload-store';

/**
 * Per app: the sends in flight (by clientId), so a retry never races a send of the same message,
 * and the last send of each chat, so messages typed one after another are stored in that order.
 */
type OutboxState = { inFlight: Set<string>; lastSendOfChat: Map<string, Promise<void>> };
const stateByApp = new WeakMap<QueryClient, OutboxState>();

function stateOf(queryClient: QueryClient): OutboxState {
  let state = stateByApp.get(queryClient);
  if (!state) stateByApp.set(queryClient, (state = { inFlight: new Set(), lastSendOfChat: new Map() }));
  return state;
}

/** A failure that may pass by itself: no answer at all, the server busy or restarting, too many at once. */
function isRetryableFailure(error: unknown): boolean {
  return !isApiError(error) || error.status === 0 || error.status === 429 || error.status >= 500;
}

/** A send that hangs longer than this counts as failed (and is retried with the same clientId). */
const sendTimeoutMs = 30_000;

/** The request body: only what the message has (a plain message is `{clientId, text}`). */
function requestOf(pending: PendingMessage, attachmentTokens: readonly string[]): Omit<TSendMessageRequest, 'text'> & { text?: string } {
  // A forward carries no text of its own: `{clientId, forwardFromId}`.
  if (pending.forwardFrom) return { clientId: pending.clientId, forwardFromId: pending.forwardFrom.id };
  return {
    clientId: pending.clientId,
    text: pending.text,
    ...(pending.replyTo ? { replyToId: pending.replyTo.id } : {}),
    ...(attachmentTokens.length > 0 ? { attachmentTokens: [...attachmentTokens] } : {}),
    ...(pending.mentionIds && pending.mentionIds.length > 0 ? { mentionIds: [...pending.mentionIds] } : {}),
    ...(pending.urgent ? { urgent: true } : {}),
    ...(pending.requiresAck ? { requiresAck: true } : {}),
  };
}

async function deliver(queryClient: QueryClient, pending: PendingMessage): Promise<void> {
  // Discarded while it waited for the chat's previous message, or stored meanwhile (an event came).
  if (!readOutbox(queryClient).some((candidate) => candidate.clientId === pending.clientId)) return;
  const attachmentIds = pending.attachmentIds ?? [];
  try {
    // Files still uploading are waited for; those that failed for a passing reason are tried again.
    restartFailedUploads(queryClient, attachmentIds);
    const tokens = await waitForUploads(queryClient, attachmentIds);
    const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(sendTimeoutMs) : undefined;
    const message = await sendMessage(pending.chatId, requestOf(pending, tokens), signal);
    receiveMessage(queryClient, message);
    forgetUploads(queryClient, attachmentIds);
  } catch (error) {
    const isRetryable = error instanceof UploadFailed ? attachmentIds.every((id) => findUpload(queryClient, id)?.status !== 'failed' || isRetryableUpload(findUpload(queryClient, id)!)) : isRetryableFailure(error);
    updatePending(queryClient, pending.clientId, { status: 'failed', isRetryable });
  }
}

/** Sends (or resends, with the same clientId) a pending message after the chat's previous one; the server's answer replaces it. */
export function sendPending(queryClient: QueryClient, pending: PendingMessage): Promise<void> {
  const { inFlight, lastSendOfChat } = stateOf(queryClient);
  if (inFlight.has(pending.clientId)) return lastSendOfChat.get(pending.chatId) ?? Promise.resolve();
  inFlight.add(pending.clientId);
  updatePending(queryClient, pending.clientId, { status: 'sending' });
  const previous = lastSendOfChat.get(pending.chatId) ?? Promise.resolve();
  const send = previous.then(() => deliver(queryClient, pending)).finally(() => {
    inFlight.delete(pending.clientId);
    if (lastSendOfChat.get(pending.chatId) === send) lastSendOfChat.delete(pending.chatId);
  });
  lastSendOfChat.set(pending.chatId, send);
  return send;
}

export type { MessageInput } from './outbox-store';

/** The composer's «Отправить» (and «Переслать»): the message is shown at once as pending, then sent. */
export function submitMessage(queryClient: QueryClient, input: MessageInput): PendingMessage {
  const pending: PendingMessage = { clientId: crypto.randomUUID(), ...input, createdAt: new Date().toISOString(), status: 'sending', isRetryable: true };
  addPending(queryClient, pending);
  void sendPending(queryClient, pending);
  return pending;
}

export function retryPending(queryClient: QueryClient, clientId: string): void {
  const pending = readOutbox(queryClient).find((candidate) => candidate.clientId === clientId);
  if (pending) void sendPending(queryClient, pending);
}

/** The connection is back: resend, in order, every message that failed for want of it. */
export async function resendWaiting(queryClient: QueryClient): Promise<void> {
  for (const pending of readOutbox(queryClient)) {
    if (pending.status === 'failed' && pending.isRetryable) await sendPending(queryClient, pending);
  }
}
