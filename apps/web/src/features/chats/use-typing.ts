import { ZTypingSignal, type TPersonRef } from '@parta/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useRealtime } from '../../platform/realtime/RealtimeProvider';
import { sendTyping } from './chats-api';

/** A typing signal is a promise for this long; the sender repeats it every 3 s while typing. */
const typingShownForMs = 6_000;
/** At most one `POST /typing` per this period while the person types. */
export const typingThrottleMs = 3_000;

type Typist = { person: TPersonRef; until: number };

/** Who else is typing in the chat now (from the ephemeral `chat.typing` signal); forgotten when they send or go quiet. */
export function useTypingPeople(chatId: string, meId: string): TPersonRef[] {
  const { onSignal, onEvent } = useRealtime();
  const [typists, setTypists] = useState<ReadonlyMap<string, Typist>>(() => new Map());

  useEffect(() => {
    const stopSignal = onSignal('chat.typing', ZTypingSignal, ({ chatId: signalChatId, user }) => {
      if (signalChatId !== chatId || user.id === meId) return;
      setTypists((current) => new Map(current).set(user.id, { person: user, until: Date.now() + typingShownForMs }));
    });
    const stopMessage = onEvent('message.created', ({ message }) => {
      const authorId = message.author?.id;
      if (message.chatId !== chatId || !authorId) return;
      setTypists((current) => {
        if (!current.has(authorId)) return current;
        const next = new Map(current);
        next.delete(authorId);
        return next;
      });
    });
    return () => {
      stopSignal();
      stopMessage();
    };
  }, [onSignal, onEvent, chatId, meId]);

  useEffect(() => {
    if (typists.size === 0) return;
    const soonest = Math.min(...[...typists.values()].map((typist) => typist.until));
    const timer = setTimeout(() => {
      const now = Date.now();
      setTypists((current) => new Map([...current].filter(([, typist]) => typist.until > now)));
    }, Math.max(0, soonest - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [typists]);

  return [...typists.values()].map((typist) => typist.person);
}

/** Call on every keystroke: tells the server at most once per 3 s that the person is typing. */
export function useTypingNotifier(chatId: string): () => void {
  const lastSent = useRef(0);
  return useCallback(() => {
    const now = Date.now();
    if (now - lastSent.current < typingThrottleMs) return;
    lastSent.current = now;
    // Ephemeral: a lost typing signal is not worth an error message.
    sendTyping(chatId).catch(() => undefined);
  }, [chatId]);
}
