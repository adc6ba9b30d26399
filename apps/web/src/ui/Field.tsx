import { useId, type ReactNode } from 'react';

/** The attributes that tie a control to its label, hint and error. */
export type FieldControlProps = { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };

type FieldProps = {
  label: string;
  hint?: string | undefined;
  /** Shown under the field, linked by aria-describedby and announced. */
  error?: string | undefined;
  className?: string | undefined;
  /** The control's own aria-describedby, kept in front of the hint and error. */
  describedBy?: string | undefined;
  children(control: FieldControlProps): ReactNode;
};

/**
 * A labelled form control with an optional hint and error, wired for screen readers. TextField,
 * TextAreaField and SelectField are this with their control.
 */
export function Field({ label, hint, error, className, describedBy, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const ariaDescribedBy = [describedBy, hint ? hintId : undefined, error ? errorId : undefined].filter(Boolean).join(' ');
  return (
    <div className={['field', error ? 'field--invalid' : undefined, className].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': ariaDescribedBy || undefined })}
      {error && (
        <p className="field__error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
