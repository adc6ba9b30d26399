import type { TApplication } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { hasFieldError, isApiError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { TextAreaField } from '../../ui/TextAreaField';
import { rejectApplication, refreshAfterConflict } from './operator-api';

/** Mirrors ZRejectApplicationRequest.reason (5–2000 characters). */
const minReasonLength = 5;
const maxReasonLength = 2000;

type RejectDialogProps = {
  application: TApplication;
  /** «Отклонить», which gets focus back when the dialog is cancelled. */
  openerRef: RefObject<HTMLButtonElement | null>;
  onCancel: () => void;
  onRejected: (decided: TApplication) => void;
};

/** «Отклонить заявку»: a reason is required, and it is e-mailed to the applicant. */
export function RejectDialog({ application, openerRef, onCancel, onRejected }: RejectDialogProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const reject = useMutation({
    mutationFn: (text: string) => rejectApplication(application.id, { reason: text }),
    onError: (error) => refreshAfterConflict(queryClient, error),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length < minReasonLength) {
      setReasonError(t('operator.reject.reasonRequired'));
      reasonRef.current?.focus();
      return;
    }
    setReasonError(undefined);
    reject.mutate(trimmed, {
      onSuccess: onRejected,
      onError: (error) => {
        if (hasFieldError(error, 'reason') && isApiError(error)) {
          const message = Object.entries(error.fields).find(([path]) => path === 'reason' || path.endsWith('.reason'))?.[1];
          setReasonError(message ?? t('operator.reject.reasonRequired'));
          reasonRef.current?.focus();
        }
      },
    });
  };

  const formError = reject.error && !hasFieldError(reject.error, 'reason') ? describeError(reject.error, t) : undefined;

  return (
    <Dialog title={t('operator.reject.title', { name: application.organization.shortName })} onClose={() => !reject.isPending && onCancel()} initialFocusRef={reasonRef} returnFocusRef={openerRef}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <TextAreaField
          ref={reasonRef}
          label={t('operator.reject.reasonLabel')}
          hint={t('operator.reject.reasonHint')}
          name="reason"
          maxLength={maxReasonLength}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          error={reasonError}
        />
        {formError && <Alert>{formError}</Alert>}
        <div className="form__actions">
          <Button type="submit" className="button--danger" disabled={reject.isPending}>
            {t('operator.reject.submit')}
          </Button>
          <Button variant="secondary" disabled={reject.isPending} onClick={onCancel}>
            {t('operator.reject.cancel')}
          </Button>
          {reject.isPending && (
            <span className="form__status" role="status">
              {t('operator.reject.submitting')}
            </span>
          )}
        </div>
      </form>
    </Dialog>
  );
}
