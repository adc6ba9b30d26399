import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Notice } from '../../ui/Notice';
import { QueryStatus } from '../../ui/QueryStatus';
import { useNotice } from '../../ui/use-notice';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { fetchPendingJoinRequests, joinRequestsQueryKey } from './invitations-api';
import { JoinRequestCard } from './JoinRequestCard';

/** /organization/join-requests: requests through links that need approval, for administrators and class teachers. */
export function JoinRequestsSection() {
  const { t } = useTranslation();
  const organization = useConsoleOrganization();
  const requests = useQuery({ queryKey: joinRequestsQueryKey(organization.id), queryFn: ({ signal }) => fetchPendingJoinRequests(organization.id, signal) });
  const notice = useNotice();
  const pending = requests.data?.requests.filter((request) => request.status === 'pending');
  return (
    <>
      <SectionTitle title={t('console.sections.joinRequests')} />
      <Notice notice={notice} />
      <QueryStatus query={requests} />
      {pending &&
        (pending.length === 0 ? (
          <p className="card">{t('joinRequests.empty')}</p>
        ) : (
          <ul className="join-request-list" aria-label={t('console.sections.joinRequests')}>
            {pending.map((request) => (
              <JoinRequestCard key={request.id} organizationId={organization.id} request={request} onDecided={notice.show} />
            ))}
          </ul>
        ))}
    </>
  );
}
