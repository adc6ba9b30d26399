import type { TChannelSummary, TOrganization } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { FormDialog } from '../../ui/FormDialog';
import { QueryStatus } from '../../ui/QueryStatus';
import { TextAreaField } from '../../ui/TextAreaField';
import { TextField } from '../../ui/TextField';
import { isAdministrator } from '../organization/organization-roles';
import { receiveChat } from './chat-cache';
import { describeRefusal } from './chat-errors';
import { channelsQueryKey, createChannel, fetchChannels, subscribeToChannel, type TListChannelsResponse } from './chats-api';

/** Administrators, directors and (verified) teachers make channels; the server checks the verification. */
export function canCreateChannel(organization: Pick<TOrganization, 'myRoles'>): boolean {
  return isAdministrator(organization) || organization.myRoles.includes('director') || organization.myRoles.includes('teacher');
}

/**
 * The organization's channels anyone of it may read: the system ones («Общешкольный канал»,
 * «Сотрудники») and those staff made, with «Подписаться»; staff «Создать канал».
 */
export function ChannelDirectory({ organization, headingLevel = 2, onLeave }: { organization: TOrganization; headingLevel?: 2 | 3; onLeave?: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const createRef = useRef<HTMLButtonElement>(null);
  const [isCreating, setCreating] = useState(false);
  const channels = useQuery({ queryKey: channelsQueryKey(organization.id), queryFn: ({ signal }) => fetchChannels(organization.id, signal) });
  const subscribe = useMutation({
    mutationFn: (channel: TChannelSummary) => subscribeToChannel(channel.id),
    onSuccess: (chat) => {
      receiveChat(queryClient, chat);
      queryClient.setQueryData<TListChannelsResponse>(channelsQueryKey(organization.id), (list) =>
        list ? { channels: list.channels.map((channel) => (channel.id === chat.id ? { ...channel, subscribed: true, memberCount: chat.memberCount } : channel)) } : list,
      );
    },
  });
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  return (
    <div className="channel-directory">
      {canCreateChannel(organization) && (
        <div className="toolbar">
          <Button ref={createRef} onClick={() => setCreating(true)}>
            {t('chats.channels.create')}
          </Button>
        </div>
      )}
      <QueryStatus query={channels} />
      {channels.data && channels.data.channels.length === 0 && <p className="muted">{t('chats.channels.empty')}</p>}
      {channels.data && channels.data.channels.length > 0 && (
        <ul className="channel-list" aria-label={t('chats.channels.listLabel')}>
          {channels.data.channels.map((channel) => (
            <li key={channel.id} className="channel-card">
              <Heading id={`channel-${channel.id}`} className="channel-card__title">
                <span aria-hidden="true">📢 </span>
                {channel.title}
                {channel.systemChannel && <span className="badge channel-card__badge">{t('chats.channels.system')}</span>}
              </Heading>
              {channel.description !== '' && <p className="channel-card__description">{channel.description}</p>}
              <p className="muted channel-card__count">{t('chats.channel.subscribers', { count: channel.memberCount })}</p>
              <div className="channel-card__actions">
                {channel.subscribed ? (
                  <>
                    <span className="channel-card__subscribed">
                      <span aria-hidden="true">✓ </span>
                      {t('chats.channels.subscribed')}
                    </span>
                    <Link to={`/chats/${channel.id}`} onClick={onLeave}>
                      {t('chats.channels.open', { title: channel.title })}
                    </Link>
                  </>
                ) : (
                  <Button variant="secondary" disabled={subscribe.isPending} aria-describedby={`channel-${channel.id}`} onClick={() => subscribe.mutate(channel)}>
                    {t('chats.channels.subscribe')}
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {subscribe.error && <Alert>{describeRefusal(subscribe.error, t)}</Alert>}
      {isCreating && (
        <CreateChannelDialog
          organizationId={organization.id}
          returnFocusRef={createRef}
          onClose={() => setCreating(false)}
          onCreated={(chatId) => {
            setCreating(false);
            void queryClient.invalidateQueries({ queryKey: channelsQueryKey(organization.id) });
            onLeave?.();
            void navigate(`/chats/${chatId}`);
          }}
        />
      )}
    </div>
  );
}

/** «Каналы» from the chat list: the directory in a dialog. */
export function ChannelsDialog({ organization, returnFocusRef, onClose }: { organization: TOrganization; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog title={t('chats.channels.title')} onClose={onClose} returnFocusRef={returnFocusRef}>
      <div className="form">
        <p className="muted">{t('chats.channels.intro')}</p>
        <ChannelDirectory organization={organization} headingLevel={3} onLeave={onClose} />
        <div className="form__actions">
          <Button variant="secondary" onClick={onClose}>
            {t('chats.attachments.close')}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

type CreateChannelDialogProps = { organizationId: string; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void; onCreated: (chatId: string) => void };

/** «Создать канал»: a title and a description; the channel opens, its maker its administrator. */
function CreateChannelDialog({ organizationId, returnFocusRef, onClose, onCreated }: CreateChannelDialogProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const titleRef = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [isInvalid, setInvalid] = useState(false);
  const create = useMutation({
    mutationFn: () => createChannel(organizationId, { title: title.trim(), description: description.trim() }),
    onSuccess: (chat) => {
      receiveChat(queryClient, chat);
      onCreated(chat.id);
    },
  });
  const submit = () => {
    const trimmed = title.trim();
    if (trimmed.length < 1 || trimmed.length > 100) {
      setInvalid(true);
      titleRef.current?.focus();
      return;
    }
    setInvalid(false);
    create.mutate();
  };
  return (
    <FormDialog
      title={t('chats.channels.createTitle')}
      submitLabel={t('chats.channels.createSubmit')}
      isPending={create.isPending}
      error={create.error ? describeRefusal(create.error, t) : undefined}
      onSubmit={submit}
      onCancel={onClose}
      initialFocusRef={titleRef}
      returnFocusRef={returnFocusRef}
    >
      <TextField ref={titleRef} label={t('chats.channels.name')} value={title} maxLength={100} onChange={(event) => setTitle(event.target.value)} error={isInvalid ? t('chats.create.nameInvalid') : undefined} />
      <TextAreaField label={t('chats.channels.description')} hint={t('chats.channels.descriptionHint')} rows={3} maxLength={500} value={description} onChange={(event) => setDescription(event.target.value)} />
    </FormDialog>
  );
}
