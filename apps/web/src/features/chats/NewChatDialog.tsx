import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { useMe } from '../../platform/session/use-me';
import { FormDialog } from '../../ui/FormDialog';
import { TextField } from '../../ui/TextField';
import { receiveChat } from './chat-cache';
import { createGroupChat } from './chats-api';
import { PeoplePicker, useChosenPeople } from './PeoplePicker';

type NewChatDialogProps = { organizationId: string; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void };

/** «Новый чат» (staff): a title and people of the organization; the new chat opens. */
export function NewChatDialog({ organizationId, returnFocusRef, onClose }: NewChatDialogProps) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const titleRef = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState<'title' | 'people' | null>(null);
  const { chosen, toggle } = useChosenPeople();
  const excludeIds = useMemo(() => new Set([me.id]), [me.id]);
  const create = useMutation({
    mutationFn: () => createGroupChat(organizationId, { title: title.trim(), memberIds: [...chosen.keys()] }),
    onSuccess: (chat) => {
      receiveChat(queryClient, chat);
      onClose();
      void navigate(`/chats/${chat.id}`);
    },
  });

  const submit = () => {
    const trimmed = title.trim();
    if (trimmed.length < 1 || trimmed.length > 100) return setProblem('title');
    if (chosen.size === 0) return setProblem('people');
    setProblem(null);
    create.mutate();
  };

  const error = problem === 'people' ? t('chats.create.peopleRequired') : create.error ? describeErrorWithDetail(create.error, t) : undefined;
  return (
    <FormDialog
      title={t('chats.create.title')}
      submitLabel={t('chats.create.submit')}
      isPending={create.isPending}
      error={error}
      onSubmit={submit}
      onCancel={onClose}
      initialFocusRef={titleRef}
      returnFocusRef={returnFocusRef}
    >
      <TextField ref={titleRef} label={t('chats.create.name')} hint={t('chats.create.nameHint')} value={title} onChange={(event) => setTitle(event.target.value)} maxLength={100} error={problem === 'title' ? t('chats.create.nameInvalid') : undefined} />
      <PeoplePicker organizationId={organizationId} excludeIds={excludeIds} chosen={chosen} onToggle={toggle} />
    </FormDialog>
  );
}
