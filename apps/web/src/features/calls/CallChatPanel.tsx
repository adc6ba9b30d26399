import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../platform/api';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { ChatConversation } from '../chats/ChatConversation';
import { useChat } from '../chats/use-chat-queries';

/**
 * The call's chat beside the video: its history, live, and the message box, the same as on the
 * chat's page. On a phone-size window it takes the window's place, with a way back to the call.
 */
export function CallChatPanel({ id, chatId, onClose }: { id: string; chatId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const chat = useChat(chatId);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const isGone = isApiError(chat.error) && (chat.error.status === 404 || chat.error.status === 403);
  const hasChat = chat.data !== undefined && !isGone;

  // Opened to write: the message box takes the focus once the chat is there.
  useEffect(() => {
    if (hasChat) composerRef.current?.focus();
  }, [hasChat]);

  return (
    <section id={id} className="call-chat" aria-label={t('calls.chat.title')}>
      <header className="call-chat__header">
        <Button variant="quiet" className="call-chat__back" onClick={onClose}>
          <span aria-hidden="true">← </span>
          {t('calls.chat.back')}
        </Button>
        <h3 className="call-chat__title">{t('calls.chat.title')}</h3>
        <Button variant="quiet" className="call-chat__close" aria-label={t('calls.chat.close')} title={t('calls.chat.close')} onClick={onClose}>
          <span aria-hidden="true">✕</span>
        </Button>
      </header>
      {hasChat ? (
        // «Срочно» gets a parent's message past quiet hours; in a call everyone is here already.
        <ChatConversation chat={chat.data} canMarkUrgent={false} composerRef={composerRef} />
      ) : isGone ? (
        <p className="call-chat__note">{t('calls.chat.unavailable')}</p>
      ) : (
        <QueryStatus query={chat} />
      )}
    </section>
  );
}
