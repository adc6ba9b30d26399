import type { TGrantRoleRequest, TMember, TRole } from '@parta/contracts';
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { FormDialog } from '../../ui/FormDialog';
import { RadioGroupField } from '../../ui/RadioGroupField';
import { SelectField } from '../../ui/SelectField';
import { roleLabelKeys } from '../organization/organization-labels';
import { grantRole, revokeRole } from './school-api';
import { useSchoolMutation } from './use-school-queries';

/** Roles an administrator gives directly (students and parents come by invitation, import or «Добавить ученика»). */
const grantableRoles: readonly TGrantRoleRequest['role'][] = ['administrator', 'director', 'teacher'];

type Change = { kind: 'grant'; role: TGrantRoleRequest['role'] } | { kind: 'revoke'; role: TRole };

type MemberRolesDialogProps = { organizationId: string; member: TMember; returnFocusRef: RefObject<HTMLElement | null>; onClose: () => void; onDone: (message: string) => void };

/**
 * «Роли»: give a staff role (администратор, руководитель, педагог) or end one — a teacher or a
 * student leaves; their past messages stay.
 */
export function MemberRolesDialog({ organizationId, member, returnFocusRef, onClose, onDone }: MemberRolesDialogProps) {
  const { t } = useTranslation();
  const toGrant = grantableRoles.filter((role) => !member.roles.includes(role));
  const [kind, setKind] = useState<Change['kind']>(toGrant.length > 0 ? 'grant' : 'revoke');
  const [grant, setGrant] = useState(toGrant[0] ?? 'teacher');
  const [revoke, setRevoke] = useState<TRole>(member.roles[0] ?? 'teacher');
  const change = useSchoolMutation(organizationId, (chosen: Change) => (chosen.kind === 'grant' ? grantRole(organizationId, member.id, chosen.role) : revokeRole(organizationId, member.id, chosen.role)));
  const name = member.displayName;

  const submit = () => {
    const chosen: Change = kind === 'grant' ? { kind, role: grant } : { kind, role: revoke };
    change.mutate(chosen, {
      onSuccess: () => {
        onClose();
        const role = t(roleLabelKeys[chosen.role]);
        onDone(chosen.kind === 'grant' ? t('people.roles.granted', { name, role }) : t('people.roles.revoked', { name, role }));
      },
    });
  };

  const options = [
    ...(toGrant.length > 0 ? [{ value: 'grant' as const, label: t('people.roles.grant') }] : []),
    ...(member.roles.length > 0 ? [{ value: 'revoke' as const, label: t('people.roles.revoke') }] : []),
  ];

  return (
    <FormDialog
      title={t('people.roles.title', { name })}
      submitLabel={kind === 'grant' ? t('people.roles.grantSubmit') : t('people.roles.revokeSubmit')}
      isPending={change.isPending}
      error={change.error ? describeErrorWithDetail(change.error, t) : undefined}
      isDangerous={kind === 'revoke'}
      onSubmit={submit}
      onCancel={onClose}
      returnFocusRef={returnFocusRef}
    >
      <RadioGroupField<Change['kind']> legend={t('people.roles.what')} value={kind} onChange={setKind} options={options} />
      {kind === 'grant' ? (
        <SelectField label={t('people.roles.role')} value={grant} onChange={(event) => setGrant(toGrant.find((role) => role === event.target.value) ?? grant)}>
          {toGrant.map((role) => (
            <option key={role} value={role}>
              {t(roleLabelKeys[role])}
            </option>
          ))}
        </SelectField>
      ) : (
        <>
          <SelectField label={t('people.roles.role')} value={revoke} onChange={(event) => setRevoke(member.roles.find((role) => role === event.target.value) ?? revoke)}>
            {member.roles.map((role) => (
              <option key={role} value={role}>
                {t(roleLabelKeys[role])}
              </option>
            ))}
          </SelectField>
          <p>{t('people.roles.revokeExplain')}</p>
        </>
      )}
    </FormDialog>
  );
}
