import type { TMember } from '@parta/contracts';
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField } from '../../ui/SelectField';
import { unlinkChild } from './school-api';
import { useSchoolMutation } from './use-school-queries';

type UnlinkParentDialogProps = { organizationId: string; student: TMember; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void; onDone: (message: string) => void };

/** «Отвязать родителя»: a wrong or ended parent–child link is removed (its history stays on the server). */
export function UnlinkParentDialog({ organizationId, student, returnFocusRef, onClose, onDone }: UnlinkParentDialogProps) {
  const { t } = useTranslation();
  const [parentId, setParentId] = useState(student.parents[0]?.id ?? '');
  const unlink = useSchoolMutation(organizationId, (chosenId: string) => unlinkChild(organizationId, chosenId, student.id));
  const chosen = student.parents.find((parent) => parent.id === parentId);

  const submit = () => {
    if (!chosen) return;
    unlink.mutate(chosen.id, {
      onSuccess: () => {
        onClose();
        onDone(t('classPage.unlinkParent.done', { parent: chosen.displayName, child: student.displayName }));
      },
    });
  };

  return (
    <FormDialog
      title={t('classPage.unlinkParent.title', { name: student.displayName })}
      submitLabel={t('classPage.unlinkParent.submit')}
      isDangerous
      isPending={unlink.isPending}
      error={unlink.error ? describeErrorWithDetail(unlink.error, t) : undefined}
      onSubmit={submit}
      onCancel={onClose}
      returnFocusRef={returnFocusRef}
    >
      <SelectField label={t('classPage.linkParent.parent')} hint={t('classPage.unlinkParent.hint')} value={parentId} onChange={(event) => setParentId(event.target.value)}>
        {student.parents.map((parent) => (
          <option key={parent.id} value={parent.id}>
            {parent.displayName}
          </option>
        ))}
      </SelectField>
    </FormDialog>
  );
}
