import { useId } from 'react';

type RadioGroupFieldProps<V extends string> = {
  legend: string;
  options: readonly { value: V; label: string }[];
  value: V;
  onChange: (value: V) => void;
};

/** A labelled group of radio buttons: arrow keys move between them, as browsers do natively. */
export function RadioGroupField<V extends string>({ legend, options, value, onChange }: RadioGroupFieldProps<V>) {
  const name = useId();
  return (
    <fieldset className="radio-group">
      <legend className="field__label">{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className="radio-group__option">
          <input type="radio" name={name} value={option.value} checked={option.value === value} onChange={() => onChange(option.value)} />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
