import type { TJoinRequest, TListJoinRequestsResponse } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { formatDateTime } from '../../platform/i18n/format';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { invalidateSchoolData } from '../school/use-school-queries';
import { MemberContacts } from '../school/MemberContacts';
import { invitationRoleLabelKeys } from './invitation-labels';
import { decideJoinRequest, joinRequestsQueryKey } from './invitations-api';

type JoinRequestCardProps = { organizationId: string; request: TJoinRequest; onDecided: (message: string) => void };

/** One «заявка на вступление»: who, as whom, into which class, their note; «Принять» or «Отклонить». */
export function JoinRequestCard({ organizationId, request, onDecided }: JoinRequestCardProps) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: (decision: 'accept' | 'decline') => decideJoinRequest(organizationId, request.id, decision),
    onSuccess: (decided) => {
      queryClient.setQueryData<TListJoinRequestsResponse>(joinRequestsQueryKey(organizationId), (list) => (list ? { requests: list.requests.filter((item) => item.id !== decided.id) } : list));
      void queryClient.invalidateQueries({ queryKey: joinRequestsQueryKey(organizationId) });
      if (decided.status === 'accepted') void invalidateSchoolData(queryClient, organizationId);
    },
  });
  const name = request.person.displayName;
  const role = t(invitationRoleLabelKeys[request.role]);

  const run = (decision: 'accept' | 'decline') =>
    decide.mutate(decision, {
      onSuccess: () => onDecided(decision === 'accept' ? t('joinRequests.accepted', { name }) : t('joinRequests.declined', { name })),
    });

  return (
    <li className="card join-request-card">
      <h3 className="join-request-card__title">{name}</h3>
      <p>{request.class ? t('joinRequests.wantsClass', { role, className: request.class.name }) : t('joinRequests.wants', { role })}</p>
      {request.note !== '' && (
        <blockquote className="join-request-card__note">
          <span className="visually-hidden">{t('joinRequests.note')}: </span>
          {request.note}
        </blockquote>
      )}
      <MemberContacts member={{ email: request.person.email, phone: request.person.phone, guardianEmail: null }} />
      <p className="muted">
        {t('joinRequests.sentAt')} <time dateTime={request.createdAt}>{formatDateTime(new Date(request.createdAt), i18n.language)}</time>
      </p>
      {decide.error && <Alert>{describeErrorWithDetail(decide.error, t)}</Alert>}
      <div className="form__actions">
        <Button onClick={() => run('accept')} disabled={decide.isPending} aria-label={t('joinRequests.acceptNamed', { name })}>
          {t('joinRequests.accept')}
        </Button>
        <Button variant="secondary" onClick={() => run('decline')} disabled={decide.isPending} aria-label={t('joinRequests.declineNamed', { name })}>
          {t('joinRequests.decline')}
        </Button>
      </div>
    </li>
  );
}
