import type { TChat, TPersonRef } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../../platform/api';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { useRealtime } from '../../platform/realtime/RealtimeProvider';
import { useMe } from '../../platform/session/use-me';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { ChatCallBanner, ChatCallButtons } from '../calls/ChatCallControls';
import { useCurrentOrganization } from '../organization/current-organization';
import { isStaff } from '../organization/organization-roles';
import { chatKindIcons, chatKindLabelKeys, describeMessageBriefly } from './chat-labels';
import { ChatConversation } from './ChatConversation';
import { MembersPanel } from './MembersPanel';
import type { MessageListHandle } from './MessageList';
import { MessageSearch } from './MessageSearch';
import { clearChatQuiet, useQuietChats } from './quiet-store';
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

/** Parents who are not staff of the chat's organization may mark a message «Срочно» (it is not held back by quiet hours). */
function useCanMarkUrgent(chat: TChat): boolean {
  const { organizations } = useCurrentOrganization();
  const organization = organizations.find((candidate) => candidate.id === chat.organizationId);
  return organization !== undefined && organization.myRoles.includes('parent') && !isStaff(organization);
}

/** The pinned message above the conversation; choosing it goes to the message. */
function PinnedBar({ chat, onOpen }: { chat: TChat; onOpen: (seq: number) => void }) {
  const { t } = useTranslation();
  const pinned = chat.pinned;
  if (!pinned) return null;
  return (
    <div className="pinned-bar" role="region" aria-label={t('chats.pinned.label')}>
      <button type="button" className="pinned-bar__button" title={t('chats.pinned.open')} onClick={() => onOpen(pinned.seq)}>
        <span aria-hidden="true">📌 </span>
        <span className="pinned-bar__label">{t('chats.pinned.title')}</span> <span className="pinned-bar__author">{pinned.author?.displayName ?? ''}</span>{' '}
        <span className="pinned-bar__text">{pinned.deleted ? t('chats.message.deleted') : pinned.text}</span>
      </button>
    </div>
  );
}

function ChatScreen({ chat }: { chat: TChat }) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const { onEvent } = useRealtime();
  const [isPanelOpen, setPanelOpen] = useState(false);
  const [isSearchOpen, setSearchOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const listRef = useRef<MessageListHandle>(null);
  const searchToggleRef = useRef<HTMLButtonElement>(null);
  const searchInputRef = useRef<HTMLInputElement>(null);
  const panelId = useId();
  const searchId = useId();
  const typing = describeTyping(useTypingPeople(chat.id, me.id), t);
  const canMarkUrgent = useCanMarkUrgent(chat);
  const kindKey = chatKindLabelKeys[chat.kind];
  const isChannel = chat.kind === 'channel';
  usePageTitle(chat.title);

  // New messages from others are read out politely (author and text); typing is not, and
  // neither is a message that came quietly (a parent's, outside school hours).
  useEffect(
    () =>
      onEvent('message.created', ({ message, quiet }) => {
        if (message.chatId !== chat.id || !message.author || message.author.id === me.id || quiet) return;
        setAnnouncement(t('chats.announce', { author: message.author.displayName, text: describeMessageBriefly(message, t) }));
      }),
    [onEvent, chat.id, me.id, t],
  );

  // Opening the chat is seeing what came quietly: its «тихо» mark goes.
  const isMarkedQuiet = useQuietChats().includes(chat.id);
  useEffect(() => {
    if (isMarkedQuiet) clearChatQuiet(queryClient, chat.id);
  }, [isMarkedQuiet, queryClient, chat.id]);

  // /chats/:id?seq=N (a search result elsewhere): open at that message.
  const [searchParams, setSearchParams] = useSearchParams();
  const seqParam = Number(searchParams.get('seq'));
  useEffect(() => {
    if (!Number.isInteger(seqParam) || seqParam <= 0) return;
    listRef.current?.jumpTo(seqParam);
    setSearchParams(
      (params) => {
        params.delete('seq');
        return params;
      },
      { replace: true },
    );
  }, [seqParam, setSearchParams]);

  useEffect(() => {
    if (isSearchOpen) searchInputRef.current?.focus();
  }, [isSearchOpen]);

  const jumpTo = (seq: number) => listRef.current?.jumpTo(seq);
  const closeSearch = () => {
    setSearchOpen(false);
    searchToggleRef.current?.focus();
  };

  const count = isChannel ? t('chats.channel.subscribers', { count: chat.memberCount }) : t('chats.memberCount', { count: chat.memberCount });
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
            {typing ? <span className="chat__typing">{typing}</span> : <span>{count}</span>}
            {chat.muted && <span> · {t('chats.list.muted')}</span>}
          </p>
          {isChannel && chat.description !== '' && <p className="chat__description">{chat.description}</p>}
        </div>
        <div className="chat__tools">
          <ChatCallButtons chat={chat} />
          <Button ref={searchToggleRef} variant="secondary" aria-expanded={isSearchOpen} aria-controls={searchId} onClick={() => setSearchOpen((open) => !open)}>
            <span aria-hidden="true">🔍 </span>
            {t('chats.search.inChat')}
          </Button>
          <Button variant="secondary" aria-expanded={isPanelOpen} aria-controls={panelId} onClick={() => setPanelOpen((open) => !open)}>
            {t('chats.members.toggle')}
          </Button>
        </div>
      </header>
      {isSearchOpen && (
        <div id={searchId} className="chat__search">
          <MessageSearch chatId={chat.id} label={t('chats.search.inChatLabel')} inputRef={searchInputRef} onOpen={(result) => jumpTo(result.message.seq)} onEscape={closeSearch} />
        </div>
      )}
      <ChatCallBanner chat={chat} />
      <PinnedBar chat={chat} onOpen={jumpTo} />
      <div className="chat__body">
        <ChatConversation chat={chat} canMarkUrgent={canMarkUrgent} listRef={listRef} />
        {isPanelOpen && <MembersPanel id={panelId} chat={chat} meId={me.id} />}
      </div>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="chat-announcer">
        {announcement}
      </div>
    </section>
  );
}
