import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../platform/session/use-me';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { useCurrentOrganization } from '../organization/current-organization';
import { isStaff } from '../organization/organization-roles';
import { ChatList } from './ChatList';
import { DirectChatDialog } from './DirectChatDialog';
import { NewChatDialog } from './NewChatDialog';
import { useChatList } from './use-chat-queries';

/** «Чаты»: the heading, «Новый чат» (staff) and «Написать», and the list. */
export function ChatListPane() {
  const { t } = useTranslation();
  const me = useMe();
  const chats = useChatList();
  const { current } = useCurrentOrganization();
  const [open, setOpen] = useState<'group' | 'direct' | null>(null);
  const groupRef = useRef<HTMLButtonElement>(null);
  const directRef = useRef<HTMLButtonElement>(null);
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
        </div>
      )}
      <QueryStatus query={chats} />
      {list && list.length === 0 && <p className="muted">{t('chats.list.empty')}</p>}
      {list && list.length > 0 && <ChatList chats={list} meId={me.id} />}
      {open === 'group' && current && <NewChatDialog organizationId={current.id} returnFocusRef={groupRef} onClose={() => setOpen(null)} />}
      {open === 'direct' && current && <DirectChatDialog organizationId={current.id} returnFocusRef={directRef} onClose={() => setOpen(null)} />}
    </>
  );
}
