import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import type { ConsoleSection } from './console-sections';
import { OrganizationGate } from './OrganizationGate';
import type { ConsoleContext } from './use-console-organization';

/**
 * «Организация»: the console of the current organization. Its sections (profile, classes,
 * people, invitations, …) are sub-pages under /organization; each person sees those their roles
 * in this organization open, and the server checks every request again.
 */
export function OrganizationPage({ sections }: { sections: readonly ConsoleSection[] }) {
  const { t } = useTranslation();
  return (
    <section className="page page--wide" aria-labelledby="page-title">
      <OrganizationGate title={t('nav.organization')}>
        {(organization) => {
          const visible = sections.filter((section) => section.isShownTo(organization));
          const context: ConsoleContext = { organization };
          return (
            <>
              {visible.length > 1 && (
                <nav className="console-nav" aria-label={t('console.navLabel')}>
                  <ul>
                    {visible.map((section) => (
                      <li key={section.path}>
                        <NavLink to={section.path === '' ? '/organization' : `/organization/${section.path}`} end={section.path === ''}>
                          {t(section.labelKey)}
                        </NavLink>
                      </li>
                    ))}
                  </ul>
                </nav>
              )}
              <Outlet context={context} />
            </>
          );
        }}
      </OrganizationGate>
    </section>
  );
}
