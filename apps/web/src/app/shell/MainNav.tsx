import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useCurrentOrganization } from '../../features/organization/current-organization';
import { useMe } from '../../platform/session/use-me';
import { areas } from '../navigation';

/** The sections of Parta. On narrow screens it is shown and hidden by the menu button in the header. */
export function MainNav({ id, isOpen, onNavigate }: { id: string; isOpen: boolean; onNavigate: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const { current } = useCurrentOrganization();
  const visibleAreas = areas.filter((area) => !area.isShownTo || area.isShownTo(me, current));
  return (
    <nav id={id} className={isOpen ? 'main-nav is-open' : 'main-nav'} aria-label={t('nav.label')}>
      <ul>
        <li>
          <NavLink to="/" end onClick={onNavigate}>
            {t('nav.home')}
          </NavLink>
        </li>
        {visibleAreas.map((area) => (
          <li key={area.path}>
            <NavLink to={area.path} onClick={onNavigate}>
              {t(area.labelKey)}
              {area.Badge && <area.Badge />}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
