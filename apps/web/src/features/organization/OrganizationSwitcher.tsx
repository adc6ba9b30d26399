import { useTranslation } from 'react-i18next';
import { useDisclosure } from '../../ui/use-disclosure';
import { useCurrentOrganization } from './current-organization';
import { RoleBadges } from './RoleBadges';

/**
 * The organization the person works in, in the header, and the list to switch to another (with
 * role badges). Shown only to members of at least one organization. A disclosure like the user
 * menu: the button says «Организация: Школа № 5», Escape closes and returns focus to it.
 */
export function OrganizationSwitcher() {
  const { t } = useTranslation();
  const { organizations, current, select } = useCurrentOrganization();
  const { isOpen, close, containerRef, panelId, toggleProps } = useDisclosure();

  if (!current) return null;

  const choose = (organizationId: string) => {
    select(organizationId);
    close('chosen');
  };

  return (
    <div className="org-switcher" ref={containerRef}>
      <button {...toggleProps} className="org-switcher__toggle">
        <span className="visually-hidden">{t('organization.switcher.label')}:</span>{' '}
        <span className="org-switcher__name">{current.shortName}</span>
        <span className="org-switcher__chevron" aria-hidden="true">
          ▾
        </span>
      </button>
      <div id={panelId} className="org-switcher__panel" hidden={!isOpen}>
        <ul aria-label={t('organization.switcher.listLabel')}>
          {organizations.map((organization) => (
            <li key={organization.id}>
              <button
                type="button"
                className="org-switcher__item"
                aria-current={organization.id === current.id ? 'true' : undefined}
                onClick={() => choose(organization.id)}
              >
                <span className="org-switcher__item-name">{organization.shortName}</span>{' '}
                <RoleBadges roles={organization.myRoles} />
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
