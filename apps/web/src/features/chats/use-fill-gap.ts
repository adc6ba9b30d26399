import type { TChat } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { chatMessagesQueryKey, fetchMessages, messagePageSize } from './chats-api';
import { newestLoadedSeq, upsertMessage, type MessagePages } from './message-pages';

/** A gap longer than this is not filled page by page: the history restarts from the newest page. */
const maxPagesToFill = 4;

/**
 * The chat says its newest message is N but the loaded history ends before N (a message arrived
 * while the history was loading, say): fetch what is missing with `afterSeq`, oldest first.
 */
export function useFillGap(chat: TChat, data: MessagePages | undefined): void {
  const queryClient = useQueryClient();
  const newest = newestLoadedSeq(data);
  const isFilling = useRef(false);
  const hasData = data !== undefined;

  useEffect(() => {
    if (!hasData || isFilling.current || chat.lastSeq <= newest) return;
    const key = chatMessagesQueryKey(chat.id);
    if (newest === 0 || chat.lastSeq - newest > maxPagesToFill * messagePageSize) {
      void queryClient.resetQueries({ queryKey: key, exact: true });
      return;
    }
    isFilling.current = true;
    const fill = async () => {
      let after = newest;
      for (let page = 0; page < maxPagesToFill; page += 1) {
        const { messages } = await fetchMessages(chat.id, { afterSeq: after });
        queryClient.setQueryData<MessagePages>(key, (current) => messages.reduce<MessagePages | undefined>((pages, message) => upsertMessage(pages, message), current));
        const last = messages.at(-1);
        if (!last || messages.length < messagePageSize) return;
        after = last.seq;
      }
    };
    fill()
      .catch(() => undefined)
      .finally(() => {
        isFilling.current = false;
      });
  }, [queryClient, chat.id, chat.lastSeq, newest, hasData]);
}
