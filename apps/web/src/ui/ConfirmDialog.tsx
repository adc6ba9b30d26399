import { FormDialog, type FormDialogProps } from './FormDialog';

type ConfirmDialogProps = Omit<FormDialogProps, 'initialFocusRef' | 'onSubmit' | 'submitLabel'> & { confirmLabel: string; onConfirm: () => void };

/**
 * «Вы уверены?» for an action that is hard to undo. Focus starts on «Отмена», the safe choice;
 * the text says what will happen.
 */
export function ConfirmDialog({ confirmLabel, onConfirm, children, ...rest }: ConfirmDialogProps) {
  return (
    <FormDialog submitLabel={confirmLabel} onSubmit={onConfirm} {...rest}>
      <div className="prose">{children}</div>
    </FormDialog>
  );
}
