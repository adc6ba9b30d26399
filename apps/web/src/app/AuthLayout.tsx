import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { SkipLink } from '../ui/SkipLink';
import { LanguageSwitch } from './shell/LanguageSwitch';

/** The frame of the sign-in pages: product name and language, then one card in the middle. */
export function AuthLayout() {
  const { t } = useTranslation();
  return (
    <div className="auth-layout">
      <SkipLink targetId="main">{t('app.skipToContent')}</SkipLink>
      <header className="auth-layout__header">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main id="main" className="auth-layout__main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
