import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { Button } from '../../ui/Button';
import { useCurrentOrganization } from './current-organization';
import { organizationKindLabelKeys } from './organization-labels';
import { RoleBadges } from './RoleBadges';

/** «Организация»: the current organization's details, or how to get into one. */
export function OrganizationPage() {
  const { t } = useTranslation();
  const { status, organizations, current, retry } = useCurrentOrganization();
  usePageTitle(t('nav.organization'));

  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('nav.organization')}</h1>
      {status === 'loading' && (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      )}
      {status === 'error' && (
        <div className="card">
          <p role="alert">{t('organization.page.loadFailed')}</p>
          <Button variant="secondary" onClick={retry}>
            {t('organization.page.retry')}
          </Button>
        </div>
      )}
      {status === 'ready' && current && (
        <div className="card">
          <h2 id="organization-name">{current.shortName}</h2>
          <dl className="details">
            <dt>{t('organization.page.fullName')}</dt>
            <dd>{current.name}</dd>
            <dt>{t('organization.page.kind')}</dt>
            <dd>{t(organizationKindLabelKeys[current.kind])}</dd>
            <dt>{t('organization.page.address')}</dt>
            <dd>{current.address}</dd>
            <dt>{t('organization.page.myRoles')}</dt>
            <dd>
              <RoleBadges roles={current.myRoles} />
            </dd>
          </dl>
          {organizations.length > 1 && <p className="muted organization-page__hint">{t('organization.page.switchHint')}</p>}
        </div>
      )}
      {status === 'ready' && current && (
        <div className="card">
          <p className="coming-soon__notice">{t('comingSoon.notice')}</p>
          <p>{t('comingSoon.organization')}</p>
        </div>
      )}
      {status === 'ready' && !current && (
        <div className="card prose">
          <h2>{t('organization.page.noneTitle')}</h2>
          <p>{t('organization.page.noneInvitation')}</p>
          <p>{t('organization.page.noneRegister')}</p>
          <p>
            <Link to="/register">{t('organization.page.registerLink')}</Link>
          </p>
        </div>
      )}
    </section>
  );
}
