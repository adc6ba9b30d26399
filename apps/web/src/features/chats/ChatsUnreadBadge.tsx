import { useTranslation } from 'react-i18next';
import { totalUnread } from './chat-list';
import { useChatList } from './use-chat-queries';

/** The number of unread messages beside «Чаты» in the menu (muted chats do not count). */
export function ChatsUnreadBadge() {
  const { t } = useTranslation();
  const { data } = useChatList();
  const count = totalUnread(data);
  if (count === 0) return null;
  return (
    <span className="unread-badge nav-badge" data-testid="chats-unread">
      <span aria-hidden="true">{count > 999 ? '999+' : count}</span>
      <span className="visually-hidden">, {t('chats.list.unread', { count })}</span>
    </span>
  );
}
