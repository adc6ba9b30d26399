import { invitationRoles, type TClass, type TCreatedInvitation, type TInvitation, type TInvitationRole } from '@parta/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../platform/session/use-me';
import { Notice } from '../../ui/Notice';
import { QueryStatus } from '../../ui/QueryStatus';
import { useNotice } from '../../ui/use-notice';
import { isAdministrator } from '../organization/organization-roles';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { useClasses } from '../school/use-school-queries';
import { CreatedInvitationPanel } from './CreatedInvitationPanel';
import { CreateInvitationForm } from './CreateInvitationForm';
import { InvitationList } from './InvitationList';
import { fetchInvitations, invitationsQueryKey } from './invitations-api';

const classTeacherRoles: readonly TInvitationRole[] = ['student', 'parent'];

/**
 * /organization/invitations: make a link (shown once, with its QR code) and see the links made,
 * with their state and uses; unused ones can be revoked. Administrators see every link; a class
 * teacher those of their classes (the server filters).
 */
export function InvitationsSection() {
  const { t } = useTranslation();
  const me = useMe();
  const organization = useConsoleOrganization();
  const isAdmin = isAdministrator(organization);
  const invitations = useQuery({ queryKey: invitationsQueryKey(organization.id), queryFn: ({ signal }) => fetchInvitations(organization.id, signal) });
  const classes = useClasses(organization.id);
  const [created, setCreated] = useState<TCreatedInvitation | null>(null);
  const formTitleRef = useRef<HTMLHeadingElement>(null);
  const notice = useNotice();

  const linkClasses: TClass[] = (classes.data?.classes ?? []).filter((item) => item.kind === 'class' && (isAdmin || item.myPlaces.includes('class_teacher')));
  const roles = isAdmin ? invitationRoles : classTeacherRoles;
  const mayCreate = isAdmin || linkClasses.length > 0;
  const canRevoke = (invitation: TInvitation) => isAdmin || invitation.createdBy.id === me.id;

  // After «Готово» the panel and its button are gone: continue at the form, ready for another link.
  const wasShowingLink = useRef(false);
  useEffect(() => {
    if (wasShowingLink.current && !created) formTitleRef.current?.focus();
    wasShowingLink.current = created !== null;
  }, [created]);

  return (
    <>
      <SectionTitle title={t('console.sections.invitations')} />
      <Notice notice={notice} />
      {created && <CreatedInvitationPanel invitation={created} onDone={() => setCreated(null)} />}
      {!created && mayCreate && (
        <section className="card" aria-labelledby="create-invitation-title">
          <h2 id="create-invitation-title" ref={formTitleRef} tabIndex={-1}>
            {t('invitations.form.title')}
          </h2>
          <CreateInvitationForm
            organizationId={organization.id}
            roles={roles}
            classes={linkClasses}
            allowNoClass={isAdmin}
            onCreated={(invitation) => {
              notice.clear();
              setCreated(invitation);
            }}
          />
        </section>
      )}
      <section aria-labelledby="invitation-list-title">
        <h2 id="invitation-list-title">{t('invitations.list.title')}</h2>
        <QueryStatus query={invitations} />
        {invitations.data &&
          (invitations.data.invitations.length === 0 ? (
            <p className="card">{t('invitations.list.empty')}</p>
          ) : (
            <InvitationList organizationId={organization.id} invitations={invitations.data.invitations} canRevoke={canRevoke} onRevoked={notice.show} />
          ))}
      </section>
    </>
  );
}
