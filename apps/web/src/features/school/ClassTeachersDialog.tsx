import type { TClass } from '@parta/contracts';
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { CheckboxField } from '../../ui/CheckboxField';
import { FormDialog } from '../../ui/FormDialog';
import { QueryStatus } from '../../ui/QueryStatus';
import { setClassTeachers } from './school-api';
import { useMembers, useSchoolMutation } from './use-school-queries';

/** Mirrors ZSetClassTeachersRequest: at most five class teachers. */
const maxClassTeachers = 5;

type ClassTeachersDialogProps = { organizationId: string; item: TClass; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void; onDone: (message: string) => void };

/** «Классные руководители»: tick the teachers of the organization who lead this class. */
export function ClassTeachersDialog({ organizationId, item, returnFocusRef, onClose, onDone }: ClassTeachersDialogProps) {
  const { t } = useTranslation();
  const teachers = useMembers(organizationId, { role: 'teacher' });
  const [chosen, setChosen] = useState(() => new Set(item.classTeachers.map((person) => person.id)));
  const [tooMany, setTooMany] = useState(false);
  const save = useSchoolMutation(organizationId, (userIds: string[]) => setClassTeachers(organizationId, item.id, userIds));

  const toggle = (id: string, isChecked: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (isChecked) next.add(id);
      else next.delete(id);
      return next;
    });

  const submit = () => {
    if (chosen.size > maxClassTeachers) {
      setTooMany(true);
      return;
    }
    setTooMany(false);
    save.mutate([...chosen], {
      onSuccess: () => {
        onClose();
        onDone(t('classPage.classTeachers.done', { name: item.name }));
      },
    });
  };

  const error = tooMany ? t('classPage.classTeachers.tooMany', { max: maxClassTeachers }) : save.error ? describeErrorWithDetail(save.error, t) : undefined;

  return (
    <FormDialog
      title={t('classPage.classTeachers.title', { name: item.name })}
      submitLabel={t('common.save')}
      isPending={save.isPending}
      error={error}
      onSubmit={submit}
      onCancel={onClose}
      returnFocusRef={returnFocusRef}
    >
      <QueryStatus query={teachers} />
      {teachers.data && teachers.data.members.length === 0 && <p>{t('classPage.classTeachers.noTeachers')}</p>}
      {teachers.data && teachers.data.members.length > 0 && (
        <fieldset className="checkbox-list">
          <legend className="field__label">{t('classPage.classTeachers.legend', { max: maxClassTeachers })}</legend>
          {teachers.data.members.map((teacher) => (
            <CheckboxField
              key={teacher.id}
              label={teacher.verifiedTeacher ? `${teacher.displayName} (${t('school.verifiedTeacher')})` : teacher.displayName}
              checked={chosen.has(teacher.id)}
              onChange={(event) => toggle(teacher.id, event.target.checked)}
            />
          ))}
        </fieldset>
      )}
    </FormDialog>
  );
}
