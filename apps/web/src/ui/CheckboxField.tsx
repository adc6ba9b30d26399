import { useId, type InputHTMLAttributes, type Ref } from 'react';

type CheckboxFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> & {
  label: string;
  hint?: string | undefined;
  ref?: Ref<HTMLInputElement>;
};

/** A labelled checkbox with an optional hint; the whole label is the click target. */
export function CheckboxField({ label, hint, className, ref, ...inputProps }: CheckboxFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={['checkbox-field', className].filter(Boolean).join(' ')}>
      <input ref={ref} id={id} type="checkbox" className="checkbox-field__input" aria-describedby={hint ? hintId : undefined} {...inputProps} />
      <label htmlFor={id} className="checkbox-field__label">
        {label}
      </label>
      {hint && (
        <p id={hintId} className="field__hint checkbox-field__hint">
          {hint}
        </p>
      )}
    </div>
  );
}
