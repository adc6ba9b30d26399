import type { TClass, TClassDetail } from '@parta/contracts';
import { useTranslation } from 'react-i18next';
import type { TranslationKey } from '../../platform/i18n/translation-key';
import { groupRoster, type RosterGroupName } from './class-roster';
import { MemberCard } from './MemberCard';
import { PeopleList } from './PeopleList';
import { StudentActions } from './StudentActions';

const groupTitleKeys: Record<RosterGroupName, TranslationKey> = {
  classTeachers: 'classPage.groups.classTeachers',
  teachers: 'classPage.groups.teachers',
  students: 'classPage.groups.students',
  parents: 'classPage.groups.parents',
  staff: 'classPage.groups.staff',
};
const groupOrder: readonly RosterGroupName[] = ['classTeachers', 'teachers', 'students', 'parents', 'staff'];

type ClassRosterProps = { detail: TClassDetail; organizationId: string; canManage: boolean; onDone: (message: string) => void };

/** Who is in the class, in groups: class teachers, teachers, students (with their parents), parents. */
export function ClassRoster({ detail, organizationId, canManage, onDone }: ClassRosterProps) {
  const { t } = useTranslation();
  const roster = groupRoster(detail);
  const item: TClass = detail.class;
  return (
    <>
      {groupOrder
        .filter((group) => roster[group].length > 0)
        .map((group) => (
          <section key={group} className="roster-group" aria-labelledby={`roster-${group}`}>
            <h2 id={`roster-${group}`}>
              {t(groupTitleKeys[group])} <span className="muted">({roster[group].length})</span>
            </h2>
            <ul className="member-list">
              {roster[group].map((member) => (
                <MemberCard
                  key={member.id}
                  member={member}
                  details={
                    group === 'students' && member.parents.length > 0 ? (
                      <p className="member-card__line">
                        {t('classPage.parentsOf')}: <PeopleList people={member.parents} />
                      </p>
                    ) : undefined
                  }
                  actions={group === 'students' && canManage && item.kind === 'class' ? <StudentActions organizationId={organizationId} student={member} from={item} onDone={onDone} /> : undefined}
                />
              ))}
            </ul>
          </section>
        ))}
      {detail.members.length === 0 && <p className="card">{t('classPage.empty')}</p>}
    </>
  );
}
