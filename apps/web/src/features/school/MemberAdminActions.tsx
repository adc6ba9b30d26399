import type { TMember } from '@parta/contracts';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import { MemberRolesDialog } from './MemberRolesDialog';
import { VerificationActions } from './VerificationActions';

type MemberAdminActionsProps = { organizationId: string; member: TMember; onDone: (message: string) => void };

/** An administrator's buttons beside a person in «Люди»: the teacher's status and «Роли». */
export function MemberAdminActions({ organizationId, member, onDone }: MemberAdminActionsProps) {
  const { t } = useTranslation();
  const [isEditingRoles, setEditingRoles] = useState(false);
  const rolesRef = useRef<HTMLButtonElement>(null);
  return (
    <>
      <VerificationActions organizationId={organizationId} member={member} onDone={onDone} />
      <Button ref={rolesRef} variant="secondary" onClick={() => setEditingRoles(true)} aria-label={t('people.roles.openNamed', { name: member.displayName })}>
        {t('people.roles.open')}
      </Button>
      {isEditingRoles && <MemberRolesDialog organizationId={organizationId} member={member} returnFocusRef={rolesRef} onClose={() => setEditingRoles(false)} onDone={onDone} />}
    </>
  );
}
