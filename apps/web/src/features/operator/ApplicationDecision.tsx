import type { TApplication, TOrganizationKind } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { SelectField } from '../../ui/SelectField';
import { organizationKindLabelKeys } from '../organization/organization-labels';
import { approveApplication, authoritiesQueryKey, fetchAuthorities, refreshAfterConflict } from './operator-api';
import { RejectDialog } from './RejectDialog';

/** Which authorities an organization of each kind may sit under (region → municipality → the rest). */
const parentKinds: Record<TOrganizationKind, readonly TOrganizationKind[]> = {
  region: [],
  municipality: ['region'],
  school: ['municipality', 'region'],
  college: ['municipality', 'region'],
  centre: ['municipality', 'region'],
};

type ApplicationDecisionProps = {
  application: TApplication;
  onDecided: (decided: TApplication, message: string) => void;
};

/** «Одобрить» (with an optional parent authority) or «Отклонить» (with a reason, in a dialog). */
export function ApplicationDecision({ application, onDecided }: ApplicationDecisionProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [parentId, setParentId] = useState('');
  const [isRejecting, setRejecting] = useState(false);
  const rejectButtonRef = useRef<HTMLButtonElement>(null);
  const allowedKinds = parentKinds[application.organization.kind];
  const authorities = useQuery({
    queryKey: authoritiesQueryKey,
    queryFn: ({ signal }) => fetchAuthorities(signal),
    enabled: allowedKinds.length > 0,
    staleTime: 5 * 60_000,
  });
  const approve = useMutation({
    mutationFn: (parentOrganizationId: string | null) => approveApplication(application.id, { parentOrganizationId }),
    onError: (error) => refreshAfterConflict(queryClient, error),
  });
  const name = application.organization.shortName;
  const candidates = (authorities.data?.organizations ?? []).filter((authority) => allowedKinds.includes(authority.kind));

  const onApprove = (event: FormEvent) => {
    event.preventDefault();
    approve.mutate(parentId || null, { onSuccess: (decided) => onDecided(decided, t('operator.approve.done', { name })) });
  };

  return (
    <section className="application-decision" aria-labelledby="decision-title">
      <h3 id="decision-title">{t('operator.detail.decision')}</h3>
      <form className="form" onSubmit={onApprove} noValidate>
        {allowedKinds.length > 0 && (
          <SelectField
            label={t('operator.approve.parentLabel')}
            hint={application.organization.parentName ? t('operator.approve.parentHintNamed', { name: application.organization.parentName }) : t('operator.approve.parentHint')}
            value={parentId}
            onChange={(event) => setParentId(event.target.value)}
          >
            <option value="">{t('operator.approve.parentNone')}</option>
            {candidates.map((authority) => (
              <option key={authority.id} value={authority.id}>
                {t('operator.approve.authorityOption', { name: authority.shortName, kind: t(organizationKindLabelKeys[authority.kind]) })}
              </option>
            ))}
          </SelectField>
        )}
        {authorities.isError && <p className="muted">{t('operator.approve.authoritiesFailed')}</p>}
        {approve.error && <Alert>{describeError(approve.error, t)}</Alert>}
        <div className="form__actions">
          <Button type="submit" disabled={approve.isPending}>
            {t('operator.approve.submit')}
          </Button>
          <Button ref={rejectButtonRef} variant="secondary" disabled={approve.isPending} onClick={() => setRejecting(true)}>
            {t('operator.reject.open')}
          </Button>
          {approve.isPending && (
            <span className="form__status" role="status">
              {t('operator.approve.submitting')}
            </span>
          )}
        </div>
      </form>
      {isRejecting && (
        <RejectDialog
          application={application}
          openerRef={rejectButtonRef}
          onCancel={() => setRejecting(false)}
          onRejected={(decided) => {
            setRejecting(false);
            onDecided(decided, t('operator.reject.done', { name }));
          }}
        />
      )}
    </section>
  );
}
