import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { useMe } from '../../platform/session/use-me';
import { useCurrentOrganization } from '../organization/current-organization';
import { hasOwnClasses, isStaff } from '../organization/organization-roles';

/** The landing page after sign-in: a greeting and where things are. */
export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { current } = useCurrentOrganization();
  usePageTitle(t('nav.home'));
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('home.greeting', { name: me.displayName })}</h1>
      <div className="card prose">
        <p>{t('home.intro')}</p>
        <p>{t('home.progress')}</p>
        <ul className="home-links">
          {current && hasOwnClasses(current) && (
            <li>
              <Link to="/my-classes">{t('home.myClassesLink')}</Link>
            </li>
          )}
          {current && isStaff(current) && (
            <li>
              <Link to="/organization">{t('home.organizationLink', { organization: current.shortName })}</Link>
            </li>
          )}
          <li>
            <Link to="/profile">{t('home.profileLink')}</Link>
          </li>
        </ul>
      </div>
    </section>
  );
}
