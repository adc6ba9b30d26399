import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';
import { usePageTitle } from '../platform/i18n/use-page-title';
import { Button } from '../ui/Button';

/** Shown instead of a blank page when rendering fails; the details go to the console, not to the person. */
export function CrashScreen() {
  const { t } = useTranslation();
  const error = useRouteError();
  usePageTitle(t('crash.title'));
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main className="crash" id="main">
      <div className="card auth-card" role="alert">
        <h1>{t('crash.title')}</h1>
        <p>{t('crash.text')}</p>
        <Button onClick={() => window.location.reload()}>{t('crash.reload')}</Button>
      </div>
    </main>
  );
}
