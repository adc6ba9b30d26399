import type { TClass, TMember, TMoveStudentRequest } from '@parta/contracts';
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { FormDialog } from '../../ui/FormDialog';
import { RadioGroupField } from '../../ui/RadioGroupField';
import { SelectField } from '../../ui/SelectField';
import { moveStudent } from './school-api';
import { useClasses, useSchoolMutation } from './use-school-queries';

type Kind = TMoveStudentRequest['kind'];

type MoveStudentDialogProps = {
  organizationId: string;
  student: TMember;
  from: TClass;
  returnFocusRef: RefObject<HTMLElement | null>;
  onClose: () => void;
  onDone: (message: string) => void;
};

/**
 * «Движение» of a student: to another class, graduated, or left the school. The confirmation says
 * what follows: class chats change by themselves, past messages stay.
 */
export function MoveStudentDialog({ organizationId, student, from, returnFocusRef, onClose, onDone }: MoveStudentDialogProps) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind>('transfer');
  const [classId, setClassId] = useState('');
  const [classMissing, setClassMissing] = useState(false);
  const classes = useClasses(organizationId);
  const move = useSchoolMutation(organizationId, (request: TMoveStudentRequest) => moveStudent(organizationId, student.id, request));
  const targets = (classes.data?.classes ?? []).filter((item) => item.kind === 'class' && item.id !== from.id);
  const name = student.displayName;

  const submit = () => {
    if (kind === 'transfer' && classId === '') {
      setClassMissing(true);
      return;
    }
    setClassMissing(false);
    const request: TMoveStudentRequest = kind === 'transfer' ? { kind, classId } : { kind };
    const target = targets.find((item) => item.id === classId)?.name ?? '';
    move.mutate(request, {
      onSuccess: () => {
        onClose();
        onDone(kind === 'transfer' ? t('classPage.move.doneTransfer', { name, className: target }) : kind === 'graduate' ? t('classPage.move.doneGraduate', { name }) : t('classPage.move.doneLeave', { name }));
      },
    });
  };

  return (
    <FormDialog
      title={t('classPage.move.title', { name })}
      submitLabel={t('classPage.move.submit')}
      isPending={move.isPending}
      error={move.error ? describeErrorWithDetail(move.error, t) : undefined}
      isDangerous={kind !== 'transfer'}
      onSubmit={submit}
      onCancel={onClose}
      returnFocusRef={returnFocusRef}
    >
      <RadioGroupField<Kind>
        legend={t('classPage.move.kind')}
        value={kind}
        onChange={setKind}
        options={[
          { value: 'transfer', label: t('classPage.move.transfer') },
          { value: 'graduate', label: t('classPage.move.graduate') },
          { value: 'leave', label: t('classPage.move.leave') },
        ]}
      />
      {kind === 'transfer' && (
        <SelectField label={t('classPage.move.toClass')} value={classId} onChange={(event) => setClassId(event.target.value)} error={classMissing ? t('classPage.move.classRequired') : undefined}>
          <option value="">{t('classPage.move.chooseClass')}</option>
          {targets.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </SelectField>
      )}
      <p>{kind === 'transfer' ? t('classPage.move.explainTransfer') : t('classPage.move.explainEnd', { className: from.name })}</p>
    </FormDialog>
  );
}
