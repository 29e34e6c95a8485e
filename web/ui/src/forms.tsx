// Small form pieces shared by the register's action forms (new card, movement
// book entries, consent): a labelled input or select with its error line, and
// the reading of a server error that names a field ("orderDate: …").
import type { ComponentChildren } from 'preact';
import { ApiError } from './api';

/** `field: detail` from an API error message, or null when it names no field. */
export function fieldOfError(err: unknown): { field: string; detail: string } | null {
  if (!(err instanceof ApiError)) return null;
  const m = /^([A-Za-z][A-Za-z0-9_]*)(?: and [A-Za-z0-9_]+)?:\s*(.*)$/.exec(err.message);
  return m ? { field: m[1] as string, detail: m[2] ?? '' } : null;
}

/** Today as YYYY-MM-DD in local time (what a date input holds). */
export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

interface FieldProps {
  /** Element id; the test ids are input-<id> and error-<id>. */
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  error?: string;
  hint?: string;
  type?: 'text' | 'date' | 'number';
  required?: boolean;
  maxLength?: number;
  autocomplete?: string;
  wide?: boolean;
  /** Suggestions for a text input (a <datalist>): typed values stay allowed. */
  suggestions?: string[];
  /** Options of a select: [value, label]; the first may be the empty "choose" option. */
  options?: [string, string][];
}

export function Field(props: FieldProps) {
  const { id, label, value, error, hint, options } = props;
  const describedBy = [error ? 'error-' + id : '', hint ? 'hint-' + id : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    'aria-required': props.required ? true : undefined,
    'data-testid': 'input-' + id,
  };
  const control = options ? (
    <select {...common} value={value} onChange={(e) => props.onInput(e.currentTarget.value)}>
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </select>
  ) : (
    <input
      {...common}
      type={props.type ?? 'text'}
      inputMode={props.type === 'number' ? 'numeric' : undefined}
      autocomplete={props.autocomplete ?? 'off'}
      maxLength={props.maxLength}
      list={props.suggestions?.length ? 'list-' + id : undefined}
      value={value}
      onInput={(e) => props.onInput(e.currentTarget.value)}
    />
  );
  return (
    <div class={props.wide ? 'field field-wide' : 'field'}>
      <label for={id}>
        {label}
        {props.required ? <span class="req" aria-hidden="true"> *</span> : null}
      </label>
      {control}
      {props.suggestions?.length && !options ? (
        <datalist id={'list-' + id}>
          {props.suggestions.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      ) : null}
      {hint ? (
        <p id={'hint-' + id} class="field-hint">
          {hint}
        </p>
      ) : null}
      <p id={'error-' + id} class="field-error" data-testid={'error-' + id} hidden={!error}>
        {error ?? ''}
      </p>
    </div>
  );
}

/** A form-level message: the request failed for a reason no field explains. */
export function FormAlert({ children, testId = 'form-error' }: { children: ComponentChildren; testId?: string }) {
  return (
    <div class="alert alert-error" role="alert" data-testid={testId}>
      {children}
    </div>
  );
}
