import type { TMessage } from '@parta/contracts';
import { messageActorId } from './chat-list';
import { localDayKey } from './chat-time';
import type { PendingMessage } from './outbox-store';

/**
 * One line of the virtualised message list. Day separators and «Новые сообщения» belong to the
 * message after them (not lines of their own): when older pages are added above, the list keeps
 * its place by the line at the top of the screen, and that must be a message whose key stays.
 */
export type MessageRow =
  /** The top once the whole history is loaded: «Начало переписки». */
  | { kind: 'start'; key: string }
  | { kind: 'message'; key: string; message: TMessage; dayBefore: Date | null; isFirstUnread: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; dayBefore: Date | null };

/**
 * A message keeps the key of its pending copy (its clientId), so when the server's copy replaces
 * the pending one the row stays the same row: no jump, no second copy.
 */
export function messageRowKey(message: TMessage): string {
  return message.clientId ?? message.id;
}

type RowsInput = { messages: readonly TMessage[]; pending: readonly PendingMessage[]; unreadAfterSeq: number; meId: string; isHistoryComplete: boolean };

export function buildMessageRows({ messages, pending, unreadAfterSeq, meId, isHistoryComplete }: RowsInput): MessageRow[] {
  const rows: MessageRow[] = isHistoryComplete ? [{ kind: 'start', key: 'start' }] : [];
  let day = '';
  let hasUnreadMark = false;
  const stored = new Set<string>();
  const dayBefore = (date: Date) => {
    const key = localDayKey(date);
    if (key === day) return null;
    day = key;
    return date;
  };
  for (const message of messages) {
    const isFirstUnread = !hasUnreadMark && message.seq > unreadAfterSeq && messageActorId(message) !== meId;
    if (isFirstUnread) hasUnreadMark = true;
    if (message.clientId !== null) stored.add(message.clientId);
    rows.push({ kind: 'message', key: messageRowKey(message), message, dayBefore: dayBefore(new Date(message.createdAt)), isFirstUnread });
  }
  for (const item of pending) {
    // The server's copy is already in the history: never show the message twice.
    if (stored.has(item.clientId)) continue;
    rows.push({ kind: 'pending', key: item.clientId, pending: item, dayBefore: dayBefore(new Date(item.createdAt)) });
  }
  return rows;
}
