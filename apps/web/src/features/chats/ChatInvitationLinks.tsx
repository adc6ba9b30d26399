import type { TChat, TChatInvitation, TCreatedChatInvitation } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../platform/i18n/format';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { QrCode } from '../../ui/QrCode';
import { QueryStatus } from '../../ui/QueryStatus';
import { describeRefusal } from './chat-errors';
import { chatInvitationsQueryKey, createChatInvitation, fetchChatInvitations, revokeChatInvitation } from './chats-api';

/** Links lead into group chats and channels made by hand; the roster, a system channel or a direct chat decide their own members. */
export function takesInvitationLinks(chat: TChat): boolean {
  return chat.myRole === 'admin' && (chat.kind === 'group' || chat.kind === 'channel') && chat.classId === null && chat.systemChannel === null;
}

const stateLabelKeys = {
  active: 'chats.invitations.states.active',
  expired: 'chats.invitations.states.expired',
  used_up: 'chats.invitations.states.used_up',
  revoked: 'chats.invitations.states.revoked',
} as const;

/**
 * (The chat's administrators) «Ссылка-приглашение»: a new link with «Копировать» and a QR code
 * (shown this once: the server keeps only a hash), and the chat's links with their uses and state,
 * each active one with «Отозвать».
 */
export function ChatInvitationLinks({ chat }: { chat: TChat }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<TCreatedChatInvitation | null>(null);
  const links = useQuery({ queryKey: chatInvitationsQueryKey(chat.id), queryFn: ({ signal }) => fetchChatInvitations(chat.id, signal) });
  const create = useMutation({
    mutationFn: () => createChatInvitation(chat.id),
    onSuccess: (invitation) => {
      setCreated(invitation);
      void queryClient.invalidateQueries({ queryKey: chatInvitationsQueryKey(chat.id) });
    },
  });
  const revoke = useMutation({
    mutationFn: (invitation: TChatInvitation) => revokeChatInvitation(chat.id, invitation.id),
    onSuccess: (revoked) => {
      queryClient.setQueryData<{ invitations: TChatInvitation[] }>(chatInvitationsQueryKey(chat.id), (list) =>
        list ? { invitations: list.invitations.map((item) => (item.id === revoked.id ? revoked : item)) } : list,
      );
      if (created?.id === revoked.id) setCreated(null);
    },
  });
  const date = (iso: string) => formatDateTime(new Date(iso), i18n.language);

  return (
    <section className="chat-links" aria-labelledby={`${chat.id}-links`}>
      <h4 id={`${chat.id}-links`} className="chat-links__title">
        {t('chats.invitations.title')}
      </h4>
      <p className="muted chat-links__intro">{t('chats.invitations.intro')}</p>
      <Button variant="secondary" disabled={create.isPending} onClick={() => create.mutate()}>
        {t('chats.invitations.create')}
      </Button>
      {create.error && <Alert>{describeRefusal(create.error, t)}</Alert>}
      {created && <CreatedLink invitation={created} onDone={() => setCreated(null)} />}
      <QueryStatus query={links} />
      {links.data && links.data.invitations.length > 0 && (
        <ul className="chat-links__list" aria-label={t('chats.invitations.listLabel')}>
          {links.data.invitations.map((invitation) => {
            const describedBy = `link-${invitation.id}`;
            return (
              <li key={invitation.id} className="chat-links__item">
                <p id={describedBy} className="chat-links__what">
                  {t('chats.invitations.made', { date: date(invitation.createdAt) })}{' '}
                  <span className={`badge badge--state badge--${invitation.state}`}>{t(stateLabelKeys[invitation.state])}</span>
                </p>
                <p className="muted chat-links__details">
                  {t('chats.invitations.uses', { uses: invitation.uses, max: invitation.maxUses })} · {t('chats.invitations.expires', { date: date(invitation.expiresAt) })}
                </p>
                {invitation.state === 'active' && (
                  <Button variant="quiet" aria-describedby={describedBy} disabled={revoke.isPending} onClick={() => revoke.mutate(invitation)}>
                    {t('chats.invitations.revoke')}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {revoke.error && <Alert>{describeRefusal(revoke.error, t)}</Alert>}
    </section>
  );
}

function CreatedLink({ invitation, onDone }: { invitation: TCreatedChatInvitation; onDone: () => void }) {
  const { t } = useTranslation();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const copy = () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    const fail = () => {
      inputRef.current?.select();
      setCopyState('failed');
    };
    if (!clipboard) return fail();
    clipboard.writeText(invitation.url).then(() => setCopyState('copied'), fail);
  };

  return (
    <div className="chat-links__created card">
      <p className="alert alert--info">{t('chats.invitations.once')}</p>
      <div className="field">
        <label className="field__label" htmlFor={inputId}>
          {t('chats.invitations.link')}
        </label>
        <div className="copy-field">
          <input ref={inputRef} id={inputId} className="field__input copy-field__input" readOnly value={invitation.url} onFocus={(event) => event.target.select()} />
          <Button variant="secondary" onClick={copy}>
            {t('chats.invitations.copy')}
          </Button>
        </div>
        <p className="field__status" role="status">
          {copyState === 'copied' ? t('chats.invitations.copied') : copyState === 'failed' ? t('chats.invitations.copyFailed') : ''}
        </p>
      </div>
      <figure className="chat-links__qr">
        <QrCode value={invitation.url} label={t('chats.invitations.qrLabel')} size={160} />
      </figure>
      <Button variant="quiet" onClick={onDone}>
        {t('chats.invitations.done')}
      </Button>
    </div>
  );
}
