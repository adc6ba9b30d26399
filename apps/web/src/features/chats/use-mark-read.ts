import type { TChat } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useMe } from '../../platform/session/use-me';
import { applyOwnRead } from './chat-list';
import { updateChat } from './chat-cache';
import { chatListQueryKey, markChatRead } from './chats-api';

/** Reading is reported after the view settles, not on every scroll step. */
const settleMs = 400;

function isPersonLooking(): boolean {
  return document.visibilityState !== 'hidden' && document.hasFocus();
}

/**
 * Marks the chat read up to the newest message on screen — only while the chat is open, the
 * window has focus and the page is visible. The counters change at once; the server tells the
 * person's other devices (`chat.read`).
 */
export function useMarkRead(chat: TChat, newestVisibleSeq: number): void {
  const queryClient = useQueryClient();
  const meId = useMe().id;
  const reported = useRef(chat.lastReadSeq);

  useEffect(() => {
    const target = newestVisibleSeq;
    if (target <= chat.lastReadSeq || target <= reported.current) return;
    const report = () => {
      if (!isPersonLooking() || target <= reported.current) return;
      reported.current = target;
      updateChat(queryClient, chat.id, (current) => applyOwnRead(current, target, meId));
      markChatRead(chat.id, target).catch(() => {
        // Not recorded: the server's counters are the truth again, and the next look reports it anew.
        reported.current = 0;
        void queryClient.invalidateQueries({ queryKey: chatListQueryKey, exact: true });
      });
    };
    const timer = setTimeout(report, settleMs);
    window.addEventListener('focus', report);
    document.addEventListener('visibilitychange', report);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('focus', report);
      document.removeEventListener('visibilitychange', report);
    };
  }, [queryClient, meId, chat.id, chat.lastReadSeq, newestVisibleSeq]);
}
