import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { JoinDecisionNotice } from '../../features/invitations/JoinDecisionNotice';
import { OrganizationSwitcher } from '../../features/organization/OrganizationSwitcher';
import { useMe } from '../../platform/session/use-me';
import { SkipLink } from '../../ui/SkipLink';
import { useDismiss } from '../../ui/use-dismiss';
import { ConnectionStatus } from './ConnectionStatus';
import { LanguageSwitch } from './LanguageSwitch';
import { MainNav } from './MainNav';
import { useProfileLanguage } from './use-profile-language';
import { UserMenu } from './UserMenu';

const navId = 'main-nav';

/** The frame of every signed-in page: header (name, organization, connection, language, person), sections, content. */
export function AppShell() {
  const { t } = useTranslation();
  const me = useMe();
  useProfileLanguage(me.locale);
  const { pathname } = useLocation();
  const [isNavOpen, setNavOpen] = useState(false);
  const navAreaRef = useRef<HTMLDivElement>(null);
  const navToggleRef = useRef<HTMLButtonElement>(null);
  const mainRef = useRef<HTMLElement>(null);
  const previousPathname = useRef(pathname);

  // After an in-app navigation, move focus to the new content so screen readers start there
  // (the browser does this on a full page load, a single-page app has to do it itself).
  useEffect(() => {
    if (previousPathname.current === pathname) return;
    previousPathname.current = pathname;
    setNavOpen(false);
    mainRef.current?.focus({ preventScroll: false });
  }, [pathname]);

  const closeNav = useCallback((how: 'escape' | 'outside') => {
    setNavOpen(false);
    if (how === 'escape') navToggleRef.current?.focus();
  }, []);
  useDismiss(navAreaRef, isNavOpen, closeNav);

  return (
    <div className="shell">
      <SkipLink targetId="main">{t('app.skipToContent')}</SkipLink>
      <div ref={navAreaRef} className="shell__frame">
        <header className="shell__header">
          <button ref={navToggleRef} type="button" className="nav-toggle" aria-expanded={isNavOpen} aria-controls={navId} onClick={() => setNavOpen((open) => !open)}>
            <span className="nav-toggle__icon" aria-hidden="true">
              ☰
            </span>
            {t('nav.menu')}
          </button>
          <Link to="/" className="brand">
            {t('app.name')}
          </Link>
          <OrganizationSwitcher />
          <ConnectionStatus />
          <div className="shell__tools">
            <LanguageSwitch />
            <UserMenu />
          </div>
        </header>
        <MainNav id={navId} isOpen={isNavOpen} onNavigate={() => setNavOpen(false)} />
      </div>
      <main ref={mainRef} id="main" className="shell__main" tabIndex={-1}>
        <JoinDecisionNotice />
        <Outlet />
      </main>
    </div>
  );
}
