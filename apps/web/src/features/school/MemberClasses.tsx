import type { TMember } from '@parta/contracts';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { classPlaceLabelKeys } from './school-labels';

/** «Классы: 5А (обучающийся), Учительская (сотрудник)», each a link to the class page. */
export function MemberClasses({ member }: { member: TMember }) {
  const { t } = useTranslation();
  if (member.classes.length === 0) return null;
  return (
    <p className="member-card__line">
      {t('people.classes')}:{' '}
      {member.classes.map((item, index) => (
        <Fragment key={`${item.id}-${item.place}`}>
          {index > 0 && ', '}
          <Link to={`/organization/classes/${item.id}`}>{item.name}</Link> <span className="muted">({t(classPlaceLabelKeys[item.place])})</span>
        </Fragment>
      ))}
    </p>
  );
}
