import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { cn } from "./cn";

const control =
  "block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm placeholder:text-zinc-500 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/20 dark:bg-zinc-900";

function controlClass(invalid: boolean) {
  return cn(control, invalid ? "border-red-500" : "border-zinc-300 dark:border-zinc-700");
}

interface FieldProps {
  label: string;
  name: string;
  hint?: ReactNode;
  errors?: string[];
}

function FieldFrame({ label, name, hint, errors, children }: FieldProps & { children: ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={name} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      {children}
      {errors?.length ? (
        <p id={`${name}-error`} className="text-sm text-red-600" role="alert">
          {errors.join(" ")}
        </p>
      ) : hint ? (
        <p id={`${name}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled input whose errors are announced and linked to it. */
export function TextField({ label, name, hint, errors, ...props }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const invalid = !!errors?.length;
  return (
    <FieldFrame label={label} name={name} hint={hint} errors={errors}>
      <input
        id={name}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${name}-error` : hint ? `${name}-hint` : undefined}
        className={controlClass(invalid)}
        {...props}
      />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  name,
  hint,
  errors,
  options,
  ...props
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  const invalid = !!errors?.length;
  return (
    <FieldFrame label={label} name={name} hint={hint} errors={errors}>
      <select id={name} name={name} aria-invalid={invalid || undefined} className={controlClass(invalid)} {...props}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
