import type { Ref, TextareaHTMLAttributes } from 'react';
import { Field } from './Field';

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> & {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  ref?: Ref<HTMLTextAreaElement>;
};

/** A labelled multi-line text box with an optional hint and error. */
export function TextAreaField({ label, hint, error, className, ref, 'aria-describedby': describedBy, ...textareaProps }: TextAreaFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} className={className} describedBy={describedBy}>
      {(control) => <textarea ref={ref} className="field__input field__input--multiline" rows={4} {...textareaProps} {...control} />}
    </Field>
  );
}
