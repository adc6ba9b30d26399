import type { TChat, TChatMember } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { CheckboxField } from '../../ui/CheckboxField';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { FormDialog } from '../../ui/FormDialog';
import { QueryStatus } from '../../ui/QueryStatus';
import { TextField } from '../../ui/TextField';
import { RoleBadges } from '../organization/RoleBadges';
import { LastSeen } from '../school/LastSeen';
import { PersonName } from '../school/PersonName';
import { forgetChat, receiveChat, updateChat } from './chat-cache';
import { addChatMembers, chatMembersQueryKey, leaveChat, removeChatMember, setChatMuted, updateChat as saveChat } from './chats-api';
import { describeRefusal } from './chat-errors';
import { ChatInvitationLinks, takesInvitationLinks } from './ChatInvitationLinks';
import { PeoplePicker, useChosenPeople } from './PeoplePicker';
import { useChatMembers } from './use-chat-queries';

type MembersPanelProps = { id: string; chat: TChat; meId: string };

/**
 * The chat's side panel: mute, settings (chat administrators: title, «пишут только
 * администраторы»), members with role badges and «last seen», adding and removing members, leaving.
 */
export function MembersPanel({ id, chat, meId }: MembersPanelProps) {
  const { t } = useTranslation();
  const members = useChatMembers(chat.id);
  const isAdmin = chat.myRole === 'admin';
  const isDirect = chat.kind === 'direct';
  const [open, setOpen] = useState<'add' | 'leave' | { remove: TChatMember } | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const leaveRef = useRef<HTMLButtonElement>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <aside id={id} className="chat-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="chat-panel__title">
        {t('chats.members.title')} <span className="muted">({chat.memberCount})</span>
      </h3>
      {notice && (
        <p className="chat-panel__notice" role="status">
          {notice}
        </p>
      )}
      <MuteSwitch chat={chat} />
      {isAdmin && !isDirect && !chat.systemChannel && <ChatSettings chat={chat} />}
      {takesInvitationLinks(chat) && <ChatInvitationLinks chat={chat} />}
      <div className="toolbar">
        {isAdmin && !isDirect && (
          <Button ref={addRef} variant="secondary" onClick={() => setOpen('add')}>
            {t('chats.members.add')}
          </Button>
        )}
        {!isDirect && !chat.systemChannel && (
          <Button ref={leaveRef} variant="secondary" onClick={() => setOpen('leave')}>
            {t('chats.members.leave')}
          </Button>
        )}
      </div>
      <QueryStatus query={members} />
      {members.data && (
        <ul className="chat-members" aria-label={t('chats.members.listLabel')}>
          {members.data.members.map((member) => (
            <li key={member.person.id} className="chat-members__item">
              <p className="chat-members__name">
                <PersonName person={member.person} />
                {member.person.id === meId && <span className="muted"> ({t('chats.members.you')})</span>}
              </p>
              <p className="chat-members__badges">
                {member.chatRole === 'admin' && <span className="badge badge--verified">{t('chats.members.chatAdmin')}</span>} <RoleBadges roles={member.roles} label={t('school.rolesLabel')} />
              </p>
              <p className="chat-members__seen">
                <LastSeen at={member.lastSeenAt} />
              </p>
              {isAdmin && !isDirect && member.person.id !== meId && (
                <Button variant="quiet" onClick={() => setOpen({ remove: member })}>
                  {t('chats.members.removeNamed', { name: member.person.displayName })}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {open === 'add' && <AddMembersDialog chat={chat} existingIds={members.data?.members.map((member) => member.person.id) ?? [meId]} returnFocusRef={addRef} onClose={() => setOpen(null)} onDone={setNotice} />}
      {open === 'leave' && <LeaveDialog chat={chat} onClose={() => setOpen(null)} />}
      {open !== null && typeof open === 'object' && <RemoveMemberDialog chat={chat} member={open.remove} onClose={() => setOpen(null)} onDone={setNotice} />}
    </aside>
  );
}

function MuteSwitch({ chat }: { chat: TChat }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const mute = useMutation({
    mutationFn: (muted: boolean) => setChatMuted(chat.id, muted),
    onMutate: (muted) => updateChat(queryClient, chat.id, (current) => ({ ...current, muted })),
    onError: (_error, muted) => updateChat(queryClient, chat.id, (current) => ({ ...current, muted: !muted })),
  });
  return (
    <>
      <CheckboxField label={t('chats.members.mute')} hint={t('chats.members.muteHint')} checked={chat.muted} onChange={(event) => mute.mutate(event.target.checked)} />
      {mute.error && <Alert>{describeErrorWithDetail(mute.error, t)}</Alert>}
    </>
  );
}

/** (Chat administrators) the title and «пишут только администраторы». */
function ChatSettings({ chat }: { chat: TChat }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(chat.title);
  const [isInvalid, setInvalid] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: { title?: string; onlyAdminsWrite?: boolean }) => saveChat(chat.id, body),
    onSuccess: (updated) => {
      receiveChat(queryClient, updated);
      setSaved(true);
    },
  });
  const rename = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    setSaved(false);
    if (trimmed.length < 1 || trimmed.length > 100) return setInvalid(true);
    setInvalid(false);
    if (trimmed !== chat.title) save.mutate({ title: trimmed });
  };
  return (
    <fieldset className="chat-settings">
      <legend className="chat-settings__legend">{t('chats.settings.title')}</legend>
      <form className="chat-settings__rename" onSubmit={rename} noValidate>
        <TextField label={t('chats.settings.name')} value={title} maxLength={100} onChange={(event) => setTitle(event.target.value)} error={isInvalid ? t('chats.create.nameInvalid') : undefined} />
        <Button type="submit" variant="secondary" disabled={save.isPending}>
          {t('common.save')}
        </Button>
      </form>
      {chat.kind !== 'channel' && (
        <CheckboxField
          label={t('chats.settings.onlyAdmins')}
          hint={t('chats.settings.onlyAdminsHint')}
          checked={chat.onlyAdminsWrite}
          disabled={save.isPending}
          onChange={(event) => {
            setSaved(false);
            save.mutate({ onlyAdminsWrite: event.target.checked });
          }}
        />
      )}
      {save.error && <Alert>{describeRefusal(save.error, t)}</Alert>}
      {saved && !save.isPending && (
        <p className="muted" role="status">
          {t('chats.settings.saved')}
        </p>
      )}
    </fieldset>
  );
}

type AddMembersDialogProps = { chat: TChat; existingIds: string[]; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void; onDone: (message: string) => void };

function AddMembersDialog({ chat, existingIds, returnFocusRef, onClose, onDone }: AddMembersDialogProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { chosen, toggle } = useChosenPeople();
  const [isEmpty, setEmpty] = useState(false);
  const excludeIds = useMemo(() => new Set(existingIds), [existingIds]);
  const add = useMutation({
    mutationFn: () => addChatMembers(chat.id, [...chosen.keys()]),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: chatMembersQueryKey(chat.id) });
      onClose();
      onDone(t('chats.members.added', { count: chosen.size }));
    },
  });
  const submit = () => {
    if (chosen.size === 0) return setEmpty(true);
    setEmpty(false);
    add.mutate();
  };
  return (
    <FormDialog
      title={t('chats.members.addTitle', { title: chat.title })}
      submitLabel={t('chats.members.addSubmit')}
      isPending={add.isPending}
      error={isEmpty ? t('chats.create.peopleRequired') : add.error ? describeRefusal(add.error, t) : undefined}
      onSubmit={submit}
      onCancel={onClose}
      returnFocusRef={returnFocusRef}
    >
      <PeoplePicker organizationId={chat.organizationId} excludeIds={excludeIds} chosen={chosen} onToggle={toggle} />
    </FormDialog>
  );
}

function RemoveMemberDialog({ chat, member, onClose, onDone }: { chat: TChat; member: TChatMember; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const name = member.person.displayName;
  const remove = useMutation({
    mutationFn: () => removeChatMember(chat.id, member.person.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: chatMembersQueryKey(chat.id) });
      onClose();
      onDone(t('chats.members.removed', { name }));
    },
  });
  return (
    <ConfirmDialog
      title={t('chats.members.removeTitle', { name })}
      confirmLabel={t('chats.members.removeConfirm')}
      isDangerous
      isPending={remove.isPending}
      error={remove.error ? describeRefusal(remove.error, t) : undefined}
      onConfirm={() => remove.mutate()}
      onCancel={onClose}
    >
      <p>{t('chats.members.removeText', { name })}</p>
    </ConfirmDialog>
  );
}

function LeaveDialog({ chat, onClose }: { chat: TChat; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const leave = useMutation({
    mutationFn: () => leaveChat(chat.id),
    onSuccess: () => {
      onClose();
      void navigate('/chats');
      forgetChat(queryClient, chat.id);
    },
  });
  return (
    <ConfirmDialog
      title={t('chats.members.leaveTitle', { title: chat.title })}
      confirmLabel={t('chats.members.leaveConfirm')}
      isDangerous
      isPending={leave.isPending}
      error={leave.error ? describeRefusal(leave.error, t) : undefined}
      onConfirm={() => leave.mutate()}
      onCancel={onClose}
    >
      <p>{t('chats.members.leaveText')}</p>
    </ConfirmDialog>
  );
}
