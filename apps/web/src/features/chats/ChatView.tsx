import type { TChat, TMessage, TPersonRef } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../platform/api';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { useRealtime } from '../../platform/realtime/RealtimeProvider';
import { useMe } from '../../platform/session/use-me';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { chatKindIcons, chatKindLabelKeys, describeMessageBriefly } from './chat-labels';
import { chatMessagesQueryKey } from './chats-api';
import { Composer } from './Composer';
import { MembersPanel } from './MembersPanel';
import { messagesOldestFirst, type MessagePages } from './message-pages';
import { MessageList, type MessageListHandle } from './MessageList';
import { useChat } from './use-chat-queries';
import { useTypingPeople } from './use-typing';

/** /chats/:chatId: one chat, or why it cannot be shown (not found, no longer a member). */
export function ChatView() {
  const { t } = useTranslation();
  const { chatId = '' } = useParams();
  const chat = useChat(chatId);
  // A failed refetch keeps the old data: «gone» wins over it (the person left or was removed).
  const isGone = isApiError(chat.error) && (chat.error.status === 404 || chat.error.status === 403);
  if (chat.data && !isGone) return <ChatScreen key={chatId} chat={chat.data} />;
  return (
    <section className="chat chat--empty" aria-labelledby="chat-title">
      <BackLink />
      <h2 id="chat-title">{t('chats.fallbackTitle')}</h2>
      {isGone ? <p className="card">{t('chats.notFound')}</p> : <QueryStatus query={chat} />}
    </section>
  );
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <Link to="/chats" className="chat__back">
      <span aria-hidden="true">← </span>
      {t('chats.back')}
    </Link>
  );
}

/** «Анна печатает…», «Анна и Иван печатают…», «Анна и ещё 3 печатают…». */
function describeTyping(people: readonly TPersonRef[], t: TFunction): string | null {
  const [first, second] = people;
  if (!first) return null;
  if (!second) return t('chats.typing.one', { name: first.displayName });
  if (people.length === 2) return t('chats.typing.two', { first: first.displayName, second: second.displayName });
  return t('chats.typing.many', { name: first.displayName, count: people.length - 1 });
}

function ChatScreen({ chat }: { chat: TChat }) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const { onEvent } = useRealtime();
  const [replyTo, setReplyTo] = useState<TMessage | null>(null);
  const [editing, setEditing] = useState<TMessage | null>(null);
  const [isPanelOpen, setPanelOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const listRef = useRef<MessageListHandle>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const panelId = useId();
  const typing = describeTyping(useTypingPeople(chat.id, me.id), t);
  const kindKey = chatKindLabelKeys[chat.kind];
  usePageTitle(chat.title);

  // New messages from others are read out politely (author and text); typing is not.
  useEffect(
    () =>
      onEvent('message.created', ({ message }) => {
        if (message.chatId !== chat.id || !message.author || message.author.id === me.id) return;
        setAnnouncement(t('chats.announce', { author: message.author.displayName, text: describeMessageBriefly(message, t) }));
      }),
    [onEvent, chat.id, me.id, t],
  );

  // Stable, so the memoised messages do not re-render for them.
  const reply = useCallback((message: TMessage) => {
    setEditing(null);
    setReplyTo(message);
    composerRef.current?.focus();
  }, []);
  const edit = useCallback((message: TMessage) => {
    setReplyTo(null);
    setEditing(message);
    composerRef.current?.focus();
  }, []);
  const editLast = () => {
    const messages = messagesOldestFirst(queryClient.getQueryData<MessagePages>(chatMessagesQueryKey(chat.id)));
    const last = messages.findLast((message) => message.author?.id === me.id && message.kind === 'text' && message.deletedAt === null);
    if (!last || !chat.canWrite) return false;
    edit(last);
    return true;
  };

  return (
    <section className="chat" aria-labelledby="chat-title">
      <header className="chat__header">
        <BackLink />
        <div className="chat__heading">
          <h2 id="chat-title" className="chat__title">
            <span aria-hidden="true">{chatKindIcons[chat.kind]} </span>
            {chat.title}
          </h2>
          <p className="chat__subtitle">
            {kindKey && <span>{t(kindKey)} · </span>}
            {typing ? <span className="chat__typing">{typing}</span> : <span>{t('chats.memberCount', { count: chat.memberCount })}</span>}
            {chat.muted && <span> · {t('chats.list.muted')}</span>}
          </p>
        </div>
        <Button variant="secondary" aria-expanded={isPanelOpen} aria-controls={panelId} onClick={() => setPanelOpen((open) => !open)}>
          {t('chats.members.toggle')}
        </Button>
      </header>
      <div className="chat__body">
        <div className="chat__conversation">
          <MessageList ref={listRef} chat={chat} meId={me.id} onReply={reply} onEdit={edit} />
          <Composer
            ref={composerRef}
            chat={chat}
            replyTo={replyTo}
            editing={editing}
            onCancelReply={() => setReplyTo(null)}
            onCancelEdit={() => setEditing(null)}
            onEditLast={editLast}
            onSent={() => listRef.current?.scrollToEnd()}
          />
        </div>
        {isPanelOpen && <MembersPanel id={panelId} chat={chat} meId={me.id} />}
      </div>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="chat-announcer">
        {announcement}
      </div>
    </section>
  );
}
