import { useRef, type FormEvent, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from './Alert';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { FormActions } from './FormActions';

export type FormDialogProps = {
  title: string;
  /** The fields, or a sentence saying what will happen. */
  children: ReactNode;
  submitLabel: string;
  /** «Отмена» unless given. */
  cancelLabel?: string;
  /** Shown beside the buttons while the action runs; «Сохраняем…» unless given. */
  pendingLabel?: string;
  isPending: boolean;
  /** Why the action failed, already in words. */
  error?: string | undefined;
  /** A destructive action gets the red button. */
  isDangerous?: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  /** Gets focus when the dialog opens (the first field); «Отмена» when not given. */
  initialFocusRef?: RefObject<HTMLElement | null>;
  /** The button that opened the dialog, which gets focus back when it closes. */
  returnFocusRef?: RefObject<HTMLElement | null>;
};

/**
 * A modal form with the usual ending: the error, the submit button, «Отмена» and a progress
 * word. Escape cancels, except while the action runs.
 */
export function FormDialog({ title, children, submitLabel, cancelLabel, pendingLabel, isPending, error, isDangerous = false, onSubmit, onCancel, initialFocusRef, returnFocusRef }: FormDialogProps) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isPending) onSubmit();
  };
  return (
    <Dialog title={title} onClose={() => !isPending && onCancel()} initialFocusRef={initialFocusRef ?? cancelRef} {...(returnFocusRef ? { returnFocusRef } : {})}>
      <form className="form" onSubmit={submit} noValidate>
        {children}
        {error && <Alert>{error}</Alert>}
        <FormActions submitLabel={submitLabel} pendingLabel={pendingLabel ?? t('common.saving')} isPending={isPending} isDangerous={isDangerous}>
          <Button ref={cancelRef} variant="secondary" disabled={isPending} onClick={onCancel}>
            {cancelLabel ?? t('common.cancel')}
          </Button>
        </FormActions>
      </form>
    </Dialog>
  );
}
