import type { TClass, TCreatedInvitation, TCreateInvitationRequest, TInvitationRole } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { CheckboxField } from '../../ui/CheckboxField';
import { FormActions } from '../../ui/FormActions';
import { SelectField } from '../../ui/SelectField';
import { TextField } from '../../ui/TextField';
import { invitationRoleLabelKeys } from './invitation-labels';
import { checkInvitationDraft, defaultExpiryDays, type InvitationDraft, type InvitationDraftProblem } from './invitation-form';
import { createInvitation, invitationsQueryKey } from './invitations-api';

type CreateInvitationFormProps = {
  organizationId: string;
  /** Administrators invite any role; a class teacher only students and parents of their classes. */
  roles: readonly TInvitationRole[];
  classes: readonly TClass[];
  /** Administrators may make a link to the whole organization; a class teacher's link is always to a class. */
  allowNoClass: boolean;
  onCreated: (invitation: TCreatedInvitation) => void;
};

/** «Новая ссылка-приглашение»: role, class (optional), days valid (7), uses, approval. */
export function CreateInvitationForm({ organizationId, roles, classes, allowNoClass, onCreated }: CreateInvitationFormProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<InvitationDraft>({ role: roles.includes('teacher') ? 'teacher' : (roles[0] ?? 'student'), classId: allowNoClass ? '' : (classes[0]?.id ?? ''), expiresInDays: String(defaultExpiryDays), maxUses: '', requiresApproval: false });
  const [problem, setProblem] = useState<InvitationDraftProblem | null>(null);
  const create = useMutation({
    mutationFn: (request: TCreateInvitationRequest) => createInvitation(organizationId, request),
    // The list refreshes in the background; the page stays where it is and shows the new link.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: invitationsQueryKey(organizationId) }),
  });
  const update = (change: Partial<InvitationDraft>) => setDraft((current) => ({ ...current, ...change }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkInvitationDraft(draft);
    if ('problem' in checked) {
      setProblem(checked.problem);
      return;
    }
    setProblem(null);
    create.mutate(checked.request, { onSuccess: onCreated });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="create-invitation-title">
      <SelectField label={t('invitations.form.role')} value={draft.role} onChange={(event) => update({ role: roles.find((role) => role === event.target.value) ?? draft.role })}>
        {roles.map((role) => (
          <option key={role} value={role}>
            {t(invitationRoleLabelKeys[role])}
          </option>
        ))}
      </SelectField>
      <SelectField label={t('invitations.form.class')} hint={allowNoClass ? t('invitations.form.classHint') : undefined} value={draft.classId} onChange={(event) => update({ classId: event.target.value })}>
        {allowNoClass && <option value="">{t('invitations.form.noClass')}</option>}
        {classes.map((item) => (
          <option key={item.id} value={item.id}>
            {item.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('invitations.form.days')}
        hint={t('invitations.form.daysHint')}
        type="number"
        inputMode="numeric"
        min={1}
        max={30}
        value={draft.expiresInDays}
        onChange={(event) => update({ expiresInDays: event.target.value })}
        error={problem === 'expiresInDays' ? t('invitations.form.daysInvalid') : undefined}
      />
      <TextField
        label={t('invitations.form.maxUses')}
        hint={t('invitations.form.maxUsesHint')}
        type="number"
        inputMode="numeric"
        min={1}
        max={1000}
        value={draft.maxUses}
        onChange={(event) => update({ maxUses: event.target.value })}
        error={problem === 'maxUses' ? t('invitations.form.maxUsesInvalid') : undefined}
      />
      <CheckboxField label={t('invitations.form.approval')} hint={t('invitations.form.approvalHint')} checked={draft.requiresApproval} onChange={(event) => update({ requiresApproval: event.target.checked })} />
      {create.error && <Alert>{describeErrorWithDetail(create.error, t)}</Alert>}
      <FormActions submitLabel={t('invitations.form.submit')} pendingLabel={t('invitations.form.submitting')} isPending={create.isPending} />
    </form>
  );
}
