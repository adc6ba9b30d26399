import type { TRole } from '@parta/contracts';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { roleLabelKeys } from './organization-labels';

/**
 * The person's roles as small badges. Screen readers hear "ваши роли: администратор, педагог"
 * (the label and commas are visually hidden), not the words run together.
 */
export function RoleBadges({ roles, label }: { roles: readonly TRole[]; /** What screen readers hear first; «ваши роли» by default. */ label?: string }) {
  const { t } = useTranslation();
  if (roles.length === 0) return null;
  return (
    <span className="role-badges">
      {/* The spaces stand outside the hidden spans: some name computations trim inside them. */}
      <span className="visually-hidden">{label ?? t('organization.switcher.rolesLabel')}:</span>{' '}
      {roles.map((role, index) => (
        <Fragment key={role}>
          {index > 0 && (
            <>
              <span className="visually-hidden">,</span>{' '}
            </>
          )}
          <span className="badge">{t(roleLabelKeys[role])}</span>
        </Fragment>
      ))}
    </span>
  );
}
