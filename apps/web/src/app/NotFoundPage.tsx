import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../platform/i18n/use-page-title';

export function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t('notFound.title'));
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('notFound.title')}</h1>
      <div className="card">
        <p>{t('notFound.text')}</p>
        <p>
          <Link to="/">{t('notFound.home')}</Link>
        </p>
      </div>
    </section>
  );
}
