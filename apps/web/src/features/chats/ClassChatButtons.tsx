import type { TClass, TOrganization } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useMe } from '../../platform/session/use-me';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { isAdministrator } from '../organization/organization-roles';
import { receiveChat } from './chat-cache';
import { describeRefusal } from './chat-errors';
import { createClassChat } from './chats-api';

/** Administrators and the class's verified class teachers open (creating it the first time) the class chat or the parents' chat. */
export function canOpenClassChats(organization: TOrganization, item: TClass, meId: string): boolean {
  if (item.kind !== 'class') return false;
  return isAdministrator(organization) || item.classTeachers.some((teacher) => teacher.id === meId && teacher.verifiedTeacher);
}

/** «Чат класса» / «Чат родителей» on a class page: the chat bound to the roster opens (and is created if it was not yet). */
export function ClassChatButtons({ organization, item }: { organization: TOrganization; item: TClass }) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const open = useMutation({
    mutationFn: (kind: 'class' | 'parents') => createClassChat(item.id, { kind }),
    onSuccess: (chat) => {
      receiveChat(queryClient, chat);
      void navigate(`/chats/${chat.id}`);
    },
  });
  if (!canOpenClassChats(organization, item, me.id)) return null;
  return (
    <div className="class-chats">
      <div className="toolbar">
        <Button variant="secondary" disabled={open.isPending} onClick={() => open.mutate('class')}>
          {t('chats.classChats.class')}
        </Button>
        <Button variant="secondary" disabled={open.isPending} onClick={() => open.mutate('parents')}>
          {t('chats.classChats.parents')}
        </Button>
      </div>
      {open.error && <Alert>{describeRefusal(open.error, t)}</Alert>}
    </div>
  );
}
