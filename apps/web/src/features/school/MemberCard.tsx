import type { TMember } from '@parta/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { RoleBadges } from '../organization/RoleBadges';
import { LastSeen } from './LastSeen';
import { MemberContacts } from './MemberContacts';
import { PeopleList } from './PeopleList';
import { PersonName } from './PersonName';

type MemberCardProps = {
  member: TMember;
  /** Shown under the name: the member's classes (people list) or their parents (class roster). */
  details?: ReactNode;
  /** Buttons for what the viewer may do with this person. */
  actions?: ReactNode;
};

/** One person as members see them: name, role badges, «last seen», contacts only where given. */
export function MemberCard({ member, details, actions }: MemberCardProps) {
  const { t } = useTranslation();
  return (
    <li className="member-card">
      <div className="member-card__main">
        <p className="member-card__name">
          <PersonName person={member} />
        </p>
        <RoleBadges roles={member.roles} label={t('school.rolesLabel')} />
        {member.verificationPending && <span className="badge badge--pending">{t('school.verificationPending')}</span>}
        {details}
        {member.children.length > 0 && (
          <p className="member-card__line">
            {t('school.children')}: <PeopleList people={member.children} />
          </p>
        )}
        <p className="member-card__line">
          <LastSeen at={member.lastSeenAt} />
        </p>
        <MemberContacts member={member} />
      </div>
      {actions && <div className="member-card__actions">{actions}</div>}
    </li>
  );
}
