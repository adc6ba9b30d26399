import type { TClass } from '@parta/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PeopleList } from './PeopleList';

/** Grade, academic year and class teachers of a class (and whatever the caller adds), as a short list. */
export function ClassFacts({ item, className, children }: { item: TClass; className?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <dl className={['details', 'details--compact', className].filter(Boolean).join(' ')}>
      <dt>{t('classes.fields.grade')}</dt>
      <dd>{item.grade ?? '—'}</dd>
      <dt>{t('classes.fields.year')}</dt>
      <dd>{item.academicYear}</dd>
      <dt>{t('classes.fields.classTeachers')}</dt>
      <dd>{item.classTeachers.length > 0 ? <PeopleList people={item.classTeachers} /> : <span className="muted">{t('classes.noClassTeacher')}</span>}</dd>
      {children}
    </dl>
  );
}
