import type { TOrganization } from '@parta/contracts';
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
import { NetworkPeoplePicker } from './NetworkPeoplePicker';
import { PeoplePicker, useChosenPeople } from './PeoplePicker';

type NewChatDialogProps = { organization: TOrganization; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void };

/** A region's or municipality's administrators and directors make chats across the organizations under it. */
export function isAuthorityChatMaker(organization: TOrganization): boolean {
  return (organization.kind === 'region' || organization.kind === 'municipality') && (organization.myRoles.includes('administrator') || organization.myRoles.includes('director'));
}

/**
 * «Новый чат» (staff): a title and people of the organization; the new chat opens. An authority
 * picks staff of the organizations under it by role («Директора школ»).
 */
export function NewChatDialog({ organization, returnFocusRef, onClose }: NewChatDialogProps) {
  const organizationId = organization.id;
  const isAuthority = isAuthorityChatMaker(organization);
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const titleRef = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState<'title' | 'people' | null>(null);
  const { chosen, toggle, chooseAll } = useChosenPeople();
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
      <TextField ref={titleRef} label={t('chats.create.name')} hint={isAuthority ? t('chats.network.nameHint') : t('chats.create.nameHint')} value={title} onChange={(event) => setTitle(event.target.value)} maxLength={100} error={problem === 'title' ? t('chats.create.nameInvalid') : undefined} />
      {isAuthority ? (
        <NetworkPeoplePicker organizationId={organizationId} chosen={chosen} onToggle={toggle} onChooseAll={chooseAll} />
      ) : (
        <PeoplePicker organizationId={organizationId} excludeIds={excludeIds} chosen={chosen} onToggle={toggle} />
      )}
    </FormDialog>
  );
}
