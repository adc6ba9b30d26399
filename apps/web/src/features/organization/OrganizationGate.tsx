import type { TOrganization } from '@parta/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { Button } from '../../ui/Button';
import { useCurrentOrganization } from './current-organization';

type OrganizationGateProps = {
  /** The page's title while there is no organization to show (the content sets its own). */
  title: string;
  children: (organization: TOrganization) => ReactNode;
};

/**
 * Renders `children` with the current organization once it is known; until then says it is
 * loading, that loading failed (with «Повторить»), or how to get into an organization at all.
 */
export function OrganizationGate({ title, children }: OrganizationGateProps) {
  const { status, current } = useCurrentOrganization();
  if (status === 'ready' && current) return children(current);
  return <OrganizationGateStatus title={title} />;
}

function OrganizationGateStatus({ title }: { title: string }) {
  const { t } = useTranslation();
  const { status, retry } = useCurrentOrganization();
  usePageTitle(title);
  return (
    <>
      <h1 id="page-title">{title}</h1>
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
      {status === 'ready' && (
        <div className="card prose">
          <h2>{t('organization.page.noneTitle')}</h2>
          <p>{t('organization.page.noneInvitation')}</p>
          <p>{t('organization.page.noneRegister')}</p>
          <p>
            <Link to="/register">{t('organization.page.registerLink')}</Link>
          </p>
        </div>
      )}
    </>
  );
}
