import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCurrentOrganization } from './current-organization';
import { organizationKindLabelKeys } from './organization-labels';
import { hasOwnClasses } from './organization-roles';
import { RoleBadges } from './RoleBadges';
import { SectionTitle } from './SectionTitle';
import { useConsoleOrganization } from './use-console-organization';

/** /organization: the organization's details and the person's roles in it. */
export function OrganizationProfile() {
  const { t } = useTranslation();
  const organization = useConsoleOrganization();
  const { organizations } = useCurrentOrganization();
  return (
    <>
      <SectionTitle title={t('nav.organization')} />
      <div className="card">
        <h2 id="organization-name">{organization.shortName}</h2>
        <dl className="details">
          <dt>{t('organization.page.fullName')}</dt>
          <dd>{organization.name}</dd>
          <dt>{t('organization.page.kind')}</dt>
          <dd>{t(organizationKindLabelKeys[organization.kind])}</dd>
          <dt>{t('organization.page.address')}</dt>
          <dd>{organization.address}</dd>
          <dt>{t('organization.page.myRoles')}</dt>
          <dd>
            <RoleBadges roles={organization.myRoles} />
          </dd>
        </dl>
        {organizations.length > 1 && <p className="muted organization-page__hint">{t('organization.page.switchHint')}</p>}
        {hasOwnClasses(organization) && (
          <p className="organization-page__hint">
            <Link to="/my-classes">{t('myClasses.open')}</Link>
          </p>
        )}
      </div>
    </>
  );
}
