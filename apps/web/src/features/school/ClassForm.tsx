import type { TCreateClassRequest } from '@parta/contracts';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrorMessage } from '../../platform/api';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { FormActions } from '../../ui/FormActions';
import { TextField } from '../../ui/TextField';
import { checkClassDraft, type ClassDraft } from './class-form';

type ClassFormProps = {
  initial: ClassDraft;
  submitLabel: string;
  isPending: boolean;
  error: unknown;
  onSubmit: (request: TCreateClassRequest) => void;
  /** «Отмена» beside the submit button (in a dialog). */
  onCancel?: () => void;
};

/** A class's name («5А»), grade (0–12) and academic year («2026/2027»), for creating or editing. */
export function ClassForm({ initial, submitLabel, isPending, error, onSubmit, onCancel }: ClassFormProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<Partial<Record<keyof ClassDraft, true>>>({});
  const nameRef = useRef<HTMLInputElement>(null);
  const set = (field: keyof ClassDraft) => (value: string) => setDraft((current) => ({ ...current, [field]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkClassDraft(draft);
    if ('problems' in checked) {
      setProblems(checked.problems);
      if (checked.problems.name) nameRef.current?.focus();
      return;
    }
    setProblems({});
    onSubmit(checked.request);
  };

  const errorFor = (field: keyof ClassDraft, key: 'classes.form.nameInvalid' | 'classes.form.gradeInvalid' | 'classes.form.yearInvalid') =>
    problems[field] ? t(key) : fieldErrorMessage(error, field);
  const hasFieldProblem = ['name', 'grade', 'academicYear'].some((field) => fieldErrorMessage(error, field) !== undefined);

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField ref={nameRef} label={t('classes.form.name')} hint={t('classes.form.nameHint')} value={draft.name} maxLength={40} onChange={(event) => set('name')(event.target.value)} error={errorFor('name', 'classes.form.nameInvalid')} />
      <TextField label={t('classes.form.grade')} hint={t('classes.form.gradeHint')} type="number" inputMode="numeric" min={0} max={12} value={draft.grade} onChange={(event) => set('grade')(event.target.value)} error={errorFor('grade', 'classes.form.gradeInvalid')} />
      <TextField label={t('classes.form.year')} hint={t('classes.form.yearHint')} value={draft.academicYear} onChange={(event) => set('academicYear')(event.target.value)} error={errorFor('academicYear', 'classes.form.yearInvalid')} />
      {error !== null && error !== undefined && !hasFieldProblem && <Alert>{describeErrorWithDetail(error, t)}</Alert>}
      <FormActions submitLabel={submitLabel} pendingLabel={t('common.saving')} isPending={isPending}>
        {onCancel && (
          <Button variant="secondary" disabled={isPending} onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        )}
      </FormActions>
    </form>
  );
}
