import type { TClass } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ClassFacts } from './ClassFacts';
import { PeopleList } from './PeopleList';

/**
 * The classes as cards (a table would not fit a phone): the name opens the class page. The
 * staff room «Учительская» is made by Parta itself and says so.
 */
export function ClassList({ classes, showChildren = false }: { classes: readonly TClass[]; showChildren?: boolean }) {
  const { t } = useTranslation();
  return (
    <ul className="class-list">
      {classes.map((item) => (
        <li key={item.id} className="card class-card">
          <h2 className="class-card__title">
            <Link to={`/organization/classes/${item.id}`}>{item.name}</Link>
          </h2>
          {item.kind === 'staff_room' ? (
            <p className="muted">{t('classes.staffRoomNote')}</p>
          ) : (
            <ClassFacts item={item}>
              <dt>{t('classes.fields.students')}</dt>
              <dd>{item.studentCount}</dd>
              {showChildren && item.myChildren.length > 0 && (
                <>
                  <dt>{t('classes.fields.myChildren')}</dt>
                  <dd>
                    <PeopleList people={item.myChildren} />
                  </dd>
                </>
              )}
            </ClassFacts>
          )}
        </li>
      ))}
    </ul>
  );
}
