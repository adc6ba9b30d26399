import type { TChat } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { formatDateTime } from '../../platform/i18n/format';
import { chatKindIcons, chatKindLabelKeys, describeLastMessage } from './chat-labels';
import { formatChatListTime } from './chat-time';
import { useQuietChats } from './quiet-store';

/**
 * The person's chats, newest activity first: kind, title, the last message, its time, unread and
 * muted marks, «@» when a message mentions the person, «тихо» when one came quietly.
 */
export function ChatList({ chats, meId }: { chats: readonly TChat[]; meId: string }) {
  const { t } = useTranslation();
  const quiet = useQuietChats();
  return (
    <ul className="chat-list" aria-label={t('chats.list.label')}>
      {chats.map((chat) => (
        <ChatListItem key={chat.id} chat={chat} meId={meId} isQuiet={quiet.includes(chat.id)} />
      ))}
    </ul>
  );
}

function ChatListItem({ chat, meId, isQuiet }: { chat: TChat; meId: string; isQuiet: boolean }) {
  const { t, i18n } = useTranslation();
  const kindKey = chatKindLabelKeys[chat.kind];
  const excerpt = describeLastMessage(chat, meId, t);
  const at = chat.lastMessage ? new Date(chat.lastMessage.createdAt) : null;
  return (
    <li>
      <NavLink to={`/chats/${chat.id}`} className={chat.unreadCount > 0 ? 'chat-list__item chat-list__item--unread' : 'chat-list__item'}>
        <span className="chat-list__icon" aria-hidden="true">
          {chatKindIcons[chat.kind]}
        </span>
        <span className="chat-list__main">
          <span className="chat-list__top">
            <span className="chat-list__title">{chat.title}</span>
            {chat.muted && (
              <span className="chat-list__muted" title={t('chats.list.muted')}>
                <span aria-hidden="true">🔕</span>
                <span className="visually-hidden">, {t('chats.list.muted')}</span>
              </span>
            )}
            {at && (
              <time className="chat-list__time" dateTime={chat.lastMessage!.createdAt} title={formatDateTime(at, i18n.language)}>
                {formatChatListTime(at, i18n.language)}
              </time>
            )}
          </span>
          {kindKey && (
            <span className="chat-list__kind">
              <span className="visually-hidden">, </span>
              {t(kindKey)}
            </span>
          )}
          <span className="chat-list__excerpt">
            <span className="visually-hidden">, </span>
            {excerpt ?? t('chats.list.noMessages')}
          </span>
          {isQuiet && (
            <span className="chat-list__quiet" title={t('chats.list.quietHint')}>
              <span className="visually-hidden">, </span>
              {t('chats.list.quiet')}
            </span>
          )}
        </span>
        {chat.unreadMentionCount > 0 && (
          <span className="mention-badge">
            <span aria-hidden="true">@</span>
            <span className="visually-hidden">, {t('chats.list.mentions', { count: chat.unreadMentionCount })}</span>
          </span>
        )}
        {chat.unreadCount > 0 && (
          <span className="unread-badge">
            <span aria-hidden="true">{chat.unreadCount > 999 ? '999+' : chat.unreadCount}</span>
            <span className="visually-hidden">, {t('chats.list.unread', { count: chat.unreadCount })}</span>
          </span>
        )}
      </NavLink>
    </li>
  );
}
