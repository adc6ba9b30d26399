import { ZInvitationToken } from '@parta/contracts';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { isApiError } from '../../platform/api';
import { useMeQuery } from '../../platform/session/use-me';
import { FullPageStatus } from '../../ui/FullPageStatus';
import { QueryStatus } from '../../ui/QueryStatus';
import { SectionTitle } from '../organization/SectionTitle';
import { fetchInvitationPreview, invitationPreviewQueryKey } from './invitations-api';
import { InvitationLanding } from './InvitationLanding';

/**
 * /join/:token, public: where an invitation link leads and «Вступить». A wrong, expired, used-up
 * or revoked link says only «Ссылка недействительна» — nothing about what it pointed to.
 */
export function JoinPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const me = useMeQuery();
  const isWellFormed = ZInvitationToken.safeParse(token).success;
  const viewerId = me.data?.id ?? null;
  const preview = useQuery({
    queryKey: invitationPreviewQueryKey(token, viewerId),
    queryFn: ({ signal }) => fetchInvitationPreview(token, signal),
    enabled: isWellFormed && me.data !== undefined,
  });

  if (me.isPending) return <FullPageStatus>{t('app.loading')}</FullPageStatus>;
  const isInvalid = !isWellFormed || (isApiError(preview.error) && preview.error.status === 404);

  return (
    <div className="card auth-card">
      {isInvalid ? (
        <div className="prose">
          <SectionTitle title={t('join.invalidTitle')} />
          <p>{t('join.invalidText')}</p>
        </div>
      ) : preview.data ? (
        <InvitationLanding token={token} preview={preview.data} me={me.data ?? null} />
      ) : (
        <>
          <SectionTitle title={t('join.title')} />
          <QueryStatus query={me.data === undefined ? me : preview} />
        </>
      )}
    </div>
  );
}
