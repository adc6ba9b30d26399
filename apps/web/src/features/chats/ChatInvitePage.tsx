import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../platform/api';
import { useMe } from '../../platform/session/use-me';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { SectionTitle } from '../organization/SectionTitle';
import { receiveChat } from './chat-cache';
import { describeRefusal } from './chat-errors';
import { chatKindLabelKeys } from './chat-labels';
import { acceptChatInvitation, chatInvitationPreviewQueryKey, fetchChatInvitationPreview } from './chats-api';

/** A token as the server takes it (20–100 characters); anything else is not worth asking about. */
const isWellFormed = (token: string) => token.length >= 20 && token.length <= 100 && /^[\w-]+$/.test(token);

/**
 * /chat-invite/:token (signed in; a signed-out visitor signs in and comes back here): where a
 * chat's invitation link leads — its title, organization and members — and «Вступить», which
 * opens the chat. Every link that does not work says only «Ссылка недействительна.».
 */
export function ChatInvitePage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const wellFormed = isWellFormed(token);
  const preview = useQuery({
    queryKey: chatInvitationPreviewQueryKey(token, me.id),
    queryFn: ({ signal }) => fetchChatInvitationPreview(token, signal),
    enabled: wellFormed,
  });
  const join = useMutation({
    mutationFn: () => acceptChatInvitation(token),
    onSuccess: (chat) => {
      receiveChat(queryClient, chat);
      void navigate(`/chats/${chat.id}`, { replace: true });
    },
  });
  const isInvalid = !wellFormed || (isApiError(preview.error) && preview.error.status === 404) || (isApiError(join.error) && join.error.status === 404);
  const data = preview.data;

  return (
    <section className="page" aria-labelledby="page-title">
      <SectionTitle title={t('chats.invite.title')} />
      {isInvalid ? (
        <div className="card prose">
          <p className="chat-invite__invalid">{t('chats.invite.invalid')}</p>
          <p className="muted">{t('chats.invite.invalidHint')}</p>
          <p>
            <Link to="/chats">{t('chats.invite.toChats')}</Link>
          </p>
        </div>
      ) : !data ? (
        <QueryStatus query={preview} />
      ) : (
        <div className="card form chat-invite">
          <p>{t('chats.invite.intro')}</p>
          <dl className="details">
            <dt>{t('chats.invite.chat')}</dt>
            <dd>
              <strong>{data.chatTitle}</strong>
              {chatKindLabelKeys[data.kind] && <span className="muted"> ({t(chatKindLabelKeys[data.kind]!)})</span>}
            </dd>
            <dt>{t('chats.invite.organization')}</dt>
            <dd>{data.organizationShortName}</dd>
            <dt>{t('chats.invite.members')}</dt>
            <dd>{t('chats.memberCount', { count: data.memberCount })}</dd>
          </dl>
          {data.alreadyMember && data.chatId ? (
            <>
              <p>{t('chats.invite.alreadyMember')}</p>
              <p>
                <Link className="button button--primary" to={`/chats/${data.chatId}`}>
                  {t('chats.invite.open')}
                </Link>
              </p>
            </>
          ) : (
            <>
              <p className="muted">{t('chats.invite.signedInAs', { name: me.displayName })}</p>
              {join.error && <Alert>{describeRefusal(join.error, t)}</Alert>}
              <div className="form__actions">
                <Button onClick={() => join.mutate()} disabled={join.isPending}>
                  {t('chats.invite.join')}
                </Button>
                {join.isPending && (
                  <span className="form__status" role="status">
                    {t('chats.invite.joining')}
                  </span>
                )}
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}
