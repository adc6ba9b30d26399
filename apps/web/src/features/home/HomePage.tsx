import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { useMe } from '../../platform/session/use-me';

/** The landing page after sign-in: a greeting and where things are. */
export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  usePageTitle(t('nav.home'));
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('home.greeting', { name: me.displayName })}</h1>
      <div className="card prose">
        <p>{t('home.intro')}</p>
        <p>{t('home.progress')}</p>
        <p>
          <Link to="/profile">{t('home.profileLink')}</Link>
        </p>
      </div>
    </section>
  );
}
