import type { TClass } from '@parta/contracts';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../ui/Dialog';
import { ClassForm } from './ClassForm';
import { updateClass } from './school-api';
import { useSchoolMutation } from './use-school-queries';

type EditClassDialogProps = { organizationId: string; item: TClass; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void; onDone: (message: string) => void };

/** «Изменить класс»: its name, grade and academic year (administrators; not the staff room). */
export function EditClassDialog({ organizationId, item, returnFocusRef, onClose, onDone }: EditClassDialogProps) {
  const { t } = useTranslation();
  const update = useSchoolMutation(organizationId, (request: Parameters<typeof updateClass>[2]) => updateClass(organizationId, item.id, request));
  return (
    <Dialog title={t('classPage.edit.title', { name: item.name })} onClose={() => !update.isPending && onClose()} returnFocusRef={returnFocusRef}>
      <ClassForm
        initial={{ name: item.name, grade: item.grade === null ? '' : String(item.grade), academicYear: item.academicYear }}
        submitLabel={t('common.save')}
        isPending={update.isPending}
        error={update.error}
        onCancel={onClose}
        onSubmit={(request) =>
          update.mutate(request, {
            onSuccess: (updated) => {
              onClose();
              onDone(t('classPage.edit.done', { name: updated.name }));
            },
          })
        }
      />
    </Dialog>
  );
}
