import type { TListChatsResponse } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useRealtime } from '../../platform/realtime/RealtimeProvider';
import { useMe } from '../../platform/session/use-me';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { useCurrentOrganization } from '../organization/current-organization';
import { isStaff } from '../organization/organization-roles';
import { ChannelsDialog } from './ChannelDirectory';
import { chatListQueryKey } from './chats-api';
import { describeMessageBriefly } from './chat-labels';
import { ChatList } from './ChatList';
import { DirectChatDialog } from './DirectChatDialog';
import { MessageSearch } from './MessageSearch';
import { NewChatDialog } from './NewChatDialog';
import { useChatList } from './use-chat-queries';

/**
 * A message that mentions the person, in a chat other than the open one, is read out — also
 * when that chat is muted (a mention gets through a mute), but not when it came quietly.
 */
function useMentionAnnouncement(openChatId: string | undefined): string {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const { onEvent } = useRealtime();
  const [announcement, setAnnouncement] = useState('');
  useEffect(
    () =>
      onEvent('message.created', ({ message, quiet }) => {
        if (quiet || message.chatId === openChatId || !message.author || message.author.id === me.id) return;
        if (!message.mentions.some((person) => person.id === me.id)) return;
        const title = queryClient.getQueryData<TListChatsResponse>(chatListQueryKey)?.chats.find((chat) => chat.id === message.chatId)?.title ?? '';
        setAnnouncement(t('chats.mentions.announce', { author: message.author.displayName, title, text: describeMessageBriefly(message, t) }));
      }),
    [onEvent, openChatId, me.id, queryClient, t],
  );
  return announcement;
}

/** «Чаты»: the heading, «Написать», «Новый чат» (staff), «Каналы», the search over all chats, and the list. */
export function ChatListPane() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const { chatId } = useParams();
  const chats = useChatList();
  const { current } = useCurrentOrganization();
  const [open, setOpen] = useState<'group' | 'direct' | 'channels' | null>(null);
  const groupRef = useRef<HTMLButtonElement>(null);
  const directRef = useRef<HTMLButtonElement>(null);
  const channelsRef = useRef<HTMLButtonElement>(null);
  const announcement = useMentionAnnouncement(chatId);
  const list = chats.data?.chats;

  return (
    <>
      <h1 id="page-title" className="chats-layout__title">
        {t('nav.chats')}
      </h1>
      {current && (
        <div className="toolbar">
          <Button ref={directRef} variant="secondary" onClick={() => setOpen('direct')}>
            {t('chats.direct.open')}
          </Button>
          {isStaff(current) && (
            <Button ref={groupRef} onClick={() => setOpen('group')}>
              {t('chats.create.open')}
            </Button>
          )}
          <Button ref={channelsRef} variant="secondary" onClick={() => setOpen('channels')}>
            <span aria-hidden="true">📢 </span>
            {t('chats.channels.title')}
          </Button>
        </div>
      )}
      <div className="chat-list-search">
        <MessageSearch chatId={null} label={t('chats.search.allLabel')} onOpen={(result) => void navigate(`/chats/${result.chatId}?seq=${result.message.seq}`)} />
      </div>
      <QueryStatus query={chats} />
      {list && list.length === 0 && <p className="muted">{t('chats.list.empty')}</p>}
      {list && list.length > 0 && <ChatList chats={list} meId={me.id} />}
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="chat-list-announcer">
        {announcement}
      </div>
      {open === 'group' && current && <NewChatDialog organization={current} returnFocusRef={groupRef} onClose={() => setOpen(null)} />}
      {open === 'direct' && current && <DirectChatDialog organizationId={current.id} returnFocusRef={directRef} onClose={() => setOpen(null)} />}
      {open === 'channels' && current && <ChannelsDialog organization={current} returnFocusRef={channelsRef} onClose={() => setOpen(null)} />}
    </>
  );
}
