import type { TMember } from '@parta/contracts';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { setTeacherVerified } from './school-api';
import { useSchoolMutation } from './use-school-queries';

type VerificationActionsProps = { organizationId: string; member: TMember; onDone: (message: string) => void };

/**
 * For administrators, beside a teacher: «Подтвердить статус» (the «учитель» badge; until then the
 * teacher cannot start chats with students or parents) or, once confirmed, «Снять подтверждение»
 * after a confirmation.
 */
export function VerificationActions({ organizationId, member, onDone }: VerificationActionsProps) {
  const { t } = useTranslation();
  const [isConfirming, setConfirming] = useState(false);
  const withdrawRef = useRef<HTMLButtonElement>(null);
  const verification = useSchoolMutation(organizationId, (verified: boolean) => setTeacherVerified(organizationId, member.id, verified));
  const name = member.displayName;

  if (!member.roles.includes('teacher')) return null;

  const change = (verified: boolean) =>
    verification.mutate(verified, {
      onSuccess: () => {
        setConfirming(false);
        onDone(verified ? t('verification.verified', { name }) : t('verification.withdrawn', { name }));
      },
    });

  if (!member.verifiedTeacher) {
    return (
      <>
        <Button onClick={() => change(true)} disabled={verification.isPending} aria-label={t('verification.verifyNamed', { name })}>
          {t('verification.verify')}
        </Button>
        {verification.error !== null && <Alert>{describeErrorWithDetail(verification.error, t)}</Alert>}
      </>
    );
  }
  return (
    <>
      <Button ref={withdrawRef} variant="secondary" onClick={() => setConfirming(true)} aria-label={t('verification.withdrawNamed', { name })}>
        {t('verification.withdraw')}
      </Button>
      {isConfirming && (
        <ConfirmDialog
          title={t('verification.withdrawTitle', { name })}
          confirmLabel={t('verification.withdraw')}
          isPending={verification.isPending}
          error={verification.error === null ? undefined : describeErrorWithDetail(verification.error, t)}
          isDangerous
          onConfirm={() => change(false)}
          onCancel={() => {
            verification.reset();
            setConfirming(false);
          }}
          returnFocusRef={withdrawRef}
        >
          <p>{t('verification.withdrawText')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
