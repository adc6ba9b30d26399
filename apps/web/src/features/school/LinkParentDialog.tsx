import type { TMember } from '@parta/contracts';
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { FormDialog } from '../../ui/FormDialog';
import { QueryStatus } from '../../ui/QueryStatus';
import { SelectField } from '../../ui/SelectField';
import { linkChild } from './school-api';
import { useMembers, useSchoolMutation } from './use-school-queries';

type LinkParentDialogProps = { organizationId: string; student: TMember; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void; onDone: (message: string) => void };

/** «Привязать родителя»: one of the organization's parents becomes this student's parent (and joins the parents' chats). */
export function LinkParentDialog({ organizationId, student, returnFocusRef, onClose, onDone }: LinkParentDialogProps) {
  const { t } = useTranslation();
  const parents = useMembers(organizationId, { role: 'parent' });
  const [parentId, setParentId] = useState('');
  const [isMissing, setMissing] = useState(false);
  const link = useSchoolMutation(organizationId, (chosenId: string) => linkChild(organizationId, chosenId, student.id));
  const linkedIds = new Set(student.parents.map((parent) => parent.id));
  const candidates = (parents.data?.members ?? []).filter((parent) => !linkedIds.has(parent.id));

  const submit = () => {
    setMissing(parentId === '');
    if (parentId === '') return;
    link.mutate(parentId, {
      onSuccess: (parent) => {
        onClose();
        onDone(t('classPage.linkParent.done', { parent: parent.displayName, child: student.displayName }));
      },
    });
  };

  return (
    <FormDialog
      title={t('classPage.linkParent.title', { name: student.displayName })}
      submitLabel={t('classPage.linkParent.submit')}
      isPending={link.isPending}
      error={link.error ? describeErrorWithDetail(link.error, t) : undefined}
      onSubmit={submit}
      onCancel={onClose}
      returnFocusRef={returnFocusRef}
    >
      <QueryStatus query={parents} />
      {parents.data && (
        <SelectField
          label={t('classPage.linkParent.parent')}
          hint={t('classPage.linkParent.hint')}
          value={parentId}
          onChange={(event) => setParentId(event.target.value)}
          error={isMissing ? t('classPage.linkParent.required') : undefined}
        >
          <option value="">{t('classPage.linkParent.choose')}</option>
          {candidates.map((parent) => (
            <option key={parent.id} value={parent.id}>
              {parent.displayName}
            </option>
          ))}
        </SelectField>
      )}
    </FormDialog>
  );
}
