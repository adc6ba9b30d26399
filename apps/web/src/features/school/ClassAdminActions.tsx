import type { TClass } from '@parta/contracts';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import { AddStudentDialog } from './AddStudentDialog';
import { ClassTeachersDialog } from './ClassTeachersDialog';
import { EditClassDialog } from './EditClassDialog';

type ClassAdminActionsProps = { organizationId: string; item: TClass; onDone: (message: string) => void };

/** An administrator's tools for one class: change it, set its class teachers, add a student. */
export function ClassAdminActions({ organizationId, item, onDone }: ClassAdminActionsProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<'edit' | 'teachers' | 'student' | null>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  const teachersRef = useRef<HTMLButtonElement>(null);
  const studentRef = useRef<HTMLButtonElement>(null);
  const close = () => setOpen(null);
  const dialogProps = { organizationId, item, onClose: close, onDone };
  return (
    <div className="toolbar">
      <Button ref={studentRef} onClick={() => setOpen('student')}>
        {t('classPage.addStudent.open')}
      </Button>
      <Button ref={teachersRef} variant="secondary" onClick={() => setOpen('teachers')}>
        {t('classPage.classTeachers.open')}
      </Button>
      <Button ref={editRef} variant="secondary" onClick={() => setOpen('edit')}>
        {t('classPage.edit.open')}
      </Button>
      {open === 'edit' && <EditClassDialog {...dialogProps} returnFocusRef={editRef} />}
      {open === 'teachers' && <ClassTeachersDialog {...dialogProps} returnFocusRef={teachersRef} />}
      {open === 'student' && <AddStudentDialog {...dialogProps} returnFocusRef={studentRef} />}
    </div>
  );
}
