import type { TAddStudentRequest, TClass } from '@parta/contracts';
import { useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrorMessage } from '../../platform/api';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { CheckboxField } from '../../ui/CheckboxField';
import { FormDialog } from '../../ui/FormDialog';
import { TextField } from '../../ui/TextField';
import { addStudent } from './school-api';
import { useSchoolMutation } from './use-school-queries';

type AddStudentDialogProps = { organizationId: string; item: TClass; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void; onDone: (message: string) => void };

type Problem = 'name' | 'contact' | 'guardianEmail';
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * «Добавить ученика» to this class. A young student without an e-mail or phone of their own signs
 * in with a code sent to a parent's e-mail («ученик младшего возраста»).
 */
export function AddStudentDialog({ organizationId, item, returnFocusRef, onClose, onDone }: AddStudentDialogProps) {
  const { t } = useTranslation();
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [isYoung, setYoung] = useState(false);
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [guardianEmail, setGuardianEmail] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const add = useSchoolMutation(organizationId, (request: TAddStudentRequest) => addStudent(organizationId, request));

  const submit = () => {
    const request: TAddStudentRequest = { displayName: name.trim(), classId: item.id };
    if (isYoung) request.guardianEmail = guardianEmail.trim();
    else {
      if (email.trim() !== '') request.email = email.trim();
      if (phone.trim() !== '') request.phone = phone.trim();
    }
    const found: Problem | null =
      request.displayName.length < 3 ? 'name' : isYoung && !emailPattern.test(request.guardianEmail ?? '') ? 'guardianEmail' : !isYoung && !request.email && !request.phone ? 'contact' : null;
    setProblem(found);
    if (found) return;
    add.mutate(request, {
      onSuccess: (student) => {
        onClose();
        onDone(t('classPage.addStudent.done', { name: student.displayName, className: item.name }));
      },
    });
  };

  const serverField = (field: string) => fieldErrorMessage(add.error, field);
  const hasServerField = ['displayName', 'email', 'phone', 'guardianEmail'].some((field) => serverField(field) !== undefined);

  return (
    <FormDialog
      title={t('classPage.addStudent.title', { name: item.name })}
      submitLabel={t('classPage.addStudent.submit')}
      isPending={add.isPending}
      error={add.error && !hasServerField ? describeErrorWithDetail(add.error, t) : undefined}
      onSubmit={submit}
      onCancel={onClose}
      initialFocusRef={nameRef}
      returnFocusRef={returnFocusRef}
    >
      <TextField
        ref={nameRef}
        label={t('classPage.addStudent.name')}
        hint={t('classPage.addStudent.nameHint')}
        value={name}
        maxLength={150}
        onChange={(event) => setName(event.target.value)}
        error={problem === 'name' ? t('classPage.addStudent.nameInvalid') : serverField('displayName')}
      />
      <CheckboxField label={t('classPage.addStudent.young')} hint={t('classPage.addStudent.youngHint')} checked={isYoung} onChange={(event) => setYoung(event.target.checked)} />
      {isYoung ? (
        <TextField
          label={t('classPage.addStudent.guardianEmail')}
          hint={t('classPage.addStudent.guardianEmailHint')}
          type="email"
          autoComplete="off"
          value={guardianEmail}
          onChange={(event) => setGuardianEmail(event.target.value)}
          error={problem === 'guardianEmail' ? t('classPage.addStudent.guardianEmailInvalid') : serverField('guardianEmail')}
        />
      ) : (
        <>
          <TextField
            label={t('classPage.addStudent.email')}
            type="email"
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={problem === 'contact' ? t('classPage.addStudent.contactRequired') : serverField('email')}
          />
          <TextField label={t('classPage.addStudent.phone')} type="tel" autoComplete="off" value={phone} onChange={(event) => setPhone(event.target.value)} error={serverField('phone')} />
        </>
      )}
    </FormDialog>
  );
}
