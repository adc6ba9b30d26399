import type { ReactNode } from 'react';
import { Button } from './Button';

type FormActionsProps = {
  submitLabel: string;
  /** Shown beside the buttons while the form is being sent (a polite live region). */
  pendingLabel: string;
  isPending: boolean;
  /** The submit button in red, for a destructive action. */
  isDangerous?: boolean;
  /** More buttons after the submit button («Отмена»). */
  children?: ReactNode;
};

/** The end of a form: the submit button (disabled while sending), other buttons, «Сохраняем…». */
export function FormActions({ submitLabel, pendingLabel, isPending, isDangerous = false, children }: FormActionsProps) {
  return (
    <div className="form__actions">
      <Button type="submit" className={isDangerous ? 'button--danger' : undefined} disabled={isPending}>
        {submitLabel}
      </Button>
      {children}
      {isPending && (
        <span className="form__status" role="status">
          {pendingLabel}
        </span>
      )}
    </div>
  );
}
