import type { ReactNode, Ref, SelectHTMLAttributes } from 'react';
import { Field } from './Field';

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: ReactNode;
  ref?: Ref<HTMLSelectElement>;
};

/** A labelled native select with an optional hint and error. */
export function SelectField({ label, hint, error, className, ref, children, 'aria-describedby': describedBy, ...selectProps }: SelectFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} className={className} describedBy={describedBy}>
      {(control) => (
        <select ref={ref} className="field__input" {...selectProps} {...control}>
          {children}
        </select>
      )}
    </Field>
  );
}
