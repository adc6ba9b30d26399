import type { InputHTMLAttributes, Ref } from 'react';
import { Field } from './Field';

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & {
  label: string;
  hint?: string | undefined;
  /** Shown under the field, linked by aria-describedby and announced. */
  error?: string | undefined;
  ref?: Ref<HTMLInputElement>;
};

/** A labelled input with an optional hint and error, wired for screen readers. */
export function TextField({ label, hint, error, className, ref, 'aria-describedby': describedBy, ...inputProps }: TextFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} className={className} describedBy={describedBy}>
      {(control) => <input ref={ref} className="field__input" {...inputProps} {...control} />}
    </Field>
  );
}
