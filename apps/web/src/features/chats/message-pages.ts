import { applyToAcknowledged, applyToMessages, type ChatEvent, type TListMessagesResponse, type TMessage } from '@parta/contracts';
import type { InfiniteData } from '@tanstack/react-query';

/**
 * A chat's loaded history as TanStack Query keeps it: pages as the server sent them, newest page
 * first, each newest message first. `pageParam` is the `beforeSeq` of the page (null: the newest).
 * These functions change it without refetching; each returns the same object when nothing changed.
 */
export type MessagePages = InfiniteData<TListMessagesResponse, number | null>;

/** Every loaded message, oldest first (the order they are shown in). */
export function messagesOldestFirst(data: MessagePages | undefined): TMessage[] {
  if (!data) return [];
  const messages: TMessage[] = [];
  for (let pageIndex = data.pages.length - 1; pageIndex >= 0; pageIndex -= 1) {
    const page = data.pages[pageIndex]!.messages;
    for (let index = page.length - 1; index >= 0; index -= 1) messages.push(page[index]!);
  }
  return messages;
}

/** The seq of the newest loaded message; 0 when none is loaded. */
export function newestLoadedSeq(data: MessagePages | undefined): number {
  return data?.pages[0]?.messages[0]?.seq ?? 0;
}

function replacePage(data: MessagePages, pageIndex: number, messages: TMessage[]): MessagePages {
  const pages = data.pages.slice();
  pages[pageIndex] = { ...pages[pageIndex]!, messages };
  return { ...data, pages };
}

/**
 * Puts a message in its place: replaces the stored copy (an edit, a reaction), or inserts a new
 * one by seq. One older than everything loaded is left for the history pages to bring.
 */
export function upsertMessage(data: MessagePages | undefined, message: TMessage): MessagePages | undefined {
  if (!data || data.pages.length === 0) return data;
  for (let pageIndex = 0; pageIndex < data.pages.length; pageIndex += 1) {
    const page = data.pages[pageIndex]!.messages;
    const index = page.findIndex((stored) => stored.id === message.id);
    if (index !== -1) {
      const messages = page.slice();
      messages[index] = message;
      return replacePage(data, pageIndex, messages);
    }
  }
  for (let pageIndex = 0; pageIndex < data.pages.length; pageIndex += 1) {
    const page = data.pages[pageIndex]!.messages;
    const oldest = page.at(-1);
    // Newest first: the message belongs to the first page whose oldest message is older than it.
    if (pageIndex === 0 && (page.length === 0 || message.seq > page[0]!.seq)) return replacePage(data, 0, [message, ...page]);
    if (oldest !== undefined && message.seq > oldest.seq) {
      const at = page.findIndex((stored) => stored.seq < message.seq);
      return replacePage(data, pageIndex, [...page.slice(0, at), message, ...page.slice(at)]);
    }
  }
  return data;
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/**
 * The loaded history after an event that changes messages already there (an edit, a reaction, a
 * read by someone, a confirmation): each page goes through `applyToMessages` of chat-state, the
 * definition the server's replay test checks, and stays the same object when nothing in it changed.
 * A new message is put in its page by `upsertMessage` (pages are the web app's own).
 */
export function applyEventToPages(data: MessagePages | undefined, chatId: string, event: ChatEvent, meId: string): MessagePages | undefined {
  if (!data) return data;
  if (event.name === 'message.created') return event.data.message.chatId === chatId ? upsertMessage(data, event.data.message) : data;
  let changed = false;
  const pages = data.pages.map((page) => {
    // A page is newest first; chat-state works oldest first.
    const oldestFirst = page.messages.toReversed();
    const messages = applyToMessages(oldestFirst, chatId, event, meId);
    const sameMessages = sameItems(messages, oldestFirst);
    const holdsIt = event.name === 'message.acknowledged' && page.messages.some((message) => message.id === event.data.messageId);
    const acknowledged = holdsIt ? applyToAcknowledged(page.acknowledged, event, meId) : page.acknowledged;
    const sameAcknowledged = sameItems(acknowledged, page.acknowledged);
    if (sameMessages && sameAcknowledged) return page;
    changed = true;
    return { ...page, messages: sameMessages ? page.messages : messages.toReversed(), acknowledged: sameAcknowledged ? page.acknowledged : acknowledged };
  });
  return changed ? { ...data, pages } : data;
}

/** The posts of the loaded history the person has confirmed («прочитал и подтверждаю»). */
export function acknowledgedIds(data: MessagePages | undefined): ReadonlySet<string> {
  return new Set(data?.pages.flatMap((page) => page.acknowledged) ?? []);
}

/** A message of the loaded history by seq, if loaded. */
export function findLoadedMessage(data: MessagePages | undefined, seq: number): TMessage | undefined {
  for (const page of data?.pages ?? []) {
    const found = page.messages.find((message) => message.seq === seq);
    if (found) return found;
  }
  return undefined;
}
