import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { QueryStatus } from '../../ui/QueryStatus';
import { TextField } from '../../ui/TextField';
import { RoleBadges } from '../organization/RoleBadges';
import { PersonName } from '../school/PersonName';
import { receiveChat } from './chat-cache';
import { describeRefusal } from './chat-errors';
import { createDirectChat } from './chats-api';
import { useContacts } from './use-chat-queries';

type DirectChatDialogProps = { organizationId: string; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void };

/** «Написать»: choose one of the people the person may write to; their direct chat opens. */
export function DirectChatDialog({ organizationId, returnFocusRef, onClose }: DirectChatDialogProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const searchRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [query, setQuery] = useState('');
  const contacts = useContacts(organizationId);
  const start = useMutation({
    mutationFn: (userId: string) => createDirectChat(organizationId, userId),
    onSuccess: (chat) => {
      receiveChat(queryClient, chat);
      onClose();
      void navigate(`/chats/${chat.id}`);
    },
  });
  const needle = query.trim().toLocaleLowerCase();
  const shown = contacts.data?.contacts.filter((contact) => contact.person.displayName.toLocaleLowerCase().includes(needle)) ?? [];

  return (
    <Dialog title={t('chats.direct.title')} onClose={() => !start.isPending && onClose()} initialFocusRef={searchRef} returnFocusRef={returnFocusRef}>
      <div className="form">
        <p className="muted">{t('chats.direct.intro')}</p>
        <TextField ref={searchRef} label={t('chats.picker.search')} type="search" value={query} onChange={(event) => setQuery(event.target.value)} autoComplete="off" aria-controls={listId} />
        <QueryStatus query={contacts} />
        {contacts.data && shown.length === 0 && <p className="muted">{t('chats.picker.nobody')}</p>}
        <ul id={listId} className="contact-list" aria-label={t('chats.direct.listLabel')}>
          {shown.map((contact) => (
            <li key={contact.person.id}>
              <button type="button" className="contact-list__button" disabled={start.isPending} onClick={() => start.mutate(contact.person.id)}>
                <PersonName person={contact.person} />
                <RoleBadges roles={contact.roles} label={t('school.rolesLabel')} />
              </button>
            </li>
          ))}
        </ul>
        {start.error && <Alert>{describeRefusal(start.error, t)}</Alert>}
        <div className="form__actions">
          <Button variant="secondary" disabled={start.isPending} onClick={onClose}>
            {t('common.cancel')}
          </Button>
          {start.isPending && (
            <span className="form__status" role="status">
              {t('chats.direct.opening')}
            </span>
          )}
        </div>
      </div>
    </Dialog>
  );
}
