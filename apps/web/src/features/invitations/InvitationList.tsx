import type { TInvitation } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../platform/i18n/format';
import { PersonName } from '../school/PersonName';
import { invitationRoleLabelKeys, invitationStateLabelKeys } from './invitation-labels';
import { RevokeInvitationButton } from './RevokeInvitationButton';

type InvitationListProps = {
  organizationId: string;
  invitations: readonly TInvitation[];
  /** Whether «Аннулировать» is offered for this link (administrators, or its author). */
  canRevoke: (invitation: TInvitation) => boolean;
  onRevoked: (message: string) => void;
};

/** The organization's links: what each gives, its state («действует», «аннулирована»…), uses «3 из 40», expiry. */
export function InvitationList({ organizationId, invitations, canRevoke, onRevoked }: InvitationListProps) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="invitation-list">
      {invitations.map((invitation) => {
        const role = t(invitationRoleLabelKeys[invitation.role]);
        const description = invitation.class ? t('invitations.list.describeClass', { role, className: invitation.class.name }) : t('invitations.list.describe', { role });
        return (
          <li key={invitation.id} className="card invitation-card">
            <h3 className="invitation-card__title">
              {description} <span className={`badge badge--state badge--${invitation.state}`}>{t(invitationStateLabelKeys[invitation.state])}</span>
            </h3>
            <dl className="details details--compact">
              <dt>{t('invitations.list.uses')}</dt>
              <dd>{t('invitations.list.usesOf', { uses: invitation.uses, max: invitation.maxUses })}</dd>
              <dt>{t('invitations.list.expires')}</dt>
              <dd>
                <time dateTime={invitation.expiresAt}>{formatDateTime(new Date(invitation.expiresAt), i18n.language)}</time>
              </dd>
              <dt>{t('invitations.list.approval')}</dt>
              <dd>{invitation.requiresApproval ? t('invitations.list.approvalYes') : t('invitations.list.approvalNo')}</dd>
              <dt>{t('invitations.list.createdBy')}</dt>
              <dd>
                <PersonName person={invitation.createdBy} />
              </dd>
            </dl>
            {invitation.state === 'active' && canRevoke(invitation) && (
              <div className="invitation-card__actions">
                <RevokeInvitationButton organizationId={organizationId} invitation={invitation} description={description} onRevoked={onRevoked} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
