// Forms show the API's own verdict: a 422 answer's field errors appear under the fields they name, and
// any error naming a field the form does not show appears in the form's alert, so nothing is lost.
import {
  cloneElement,
  createContext,
  isValidElement,
  useContext,
  useId,
  type ComponentProps,
  type ReactElement,
  type ReactNode,
} from "react";
import { ApiError } from "@/api/client";

const ErrorsContext = createContext<Record<string, string>>({});

/** The field errors of the last failed submit, for the fields inside. */
export function FormErrors({ error, children }: { error: unknown; children: ReactNode }) {
  const errors = error instanceof ApiError ? error.fieldErrors : {};
  return <ErrorsContext.Provider value={errors}>{children}</ErrorsContext.Provider>;
}

/** The message for `name` and for anything under it (`schedule` shows `schedule.weekly.mon.0`). */
export function useFieldError(name: string | undefined): string | undefined {
  const errors = useContext(ErrorsContext);
  if (!name) return undefined;
  if (errors[name]) return errors[name];
  const nested = Object.entries(errors).filter(([field]) => field.startsWith(`${name}.`));
  return nested.length ? nested.map(([field, message]) => `${field.slice(name.length + 1)}: ${message}`).join("; ") : undefined;
}

interface FieldProps {
  label: ReactNode;
  /** The API's field name: its errors show here. */
  name?: string;
  hint?: ReactNode;
  className?: string;
  children: ReactElement<Record<string, unknown>>;
}

export function Field({ label, name, hint, className = "", children }: FieldProps) {
  const id = useId();
  const error = useFieldError(name);
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        name,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": described || undefined,
      })
    : children;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-xs font-medium text-slate-700">
        {label}
      </label>
      {control}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-600" data-field-error={name}>
          {error}
        </p>
      )}
    </div>
  );
}

const CONTROL =
  "w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-brand-600 aria-[invalid=true]:ring-red-500 disabled:bg-slate-50 disabled:text-slate-500";

export function TextInput(props: ComponentProps<"input">) {
  return <input type="text" {...props} className={`${CONTROL} ${props.className ?? ""}`} />;
}

export function Select(props: ComponentProps<"select">) {
  return <select {...props} className={`${CONTROL} pr-8 ${props.className ?? ""}`} />;
}

export function TextArea(props: ComponentProps<"textarea">) {
  return <textarea rows={3} {...props} className={`${CONTROL} ${props.className ?? ""}`} />;
}

export function Toggle({
  checked,
  onChange,
  label,
  name,
  hint,
}: {
  checked: boolean;
  onChange: (value: boolean) => void;
  label: ReactNode;
  name?: string;
  hint?: ReactNode;
}) {
  const error = useFieldError(name);
  return (
    <label className="flex cursor-pointer items-start gap-2.5">
      <input
        type="checkbox"
        name={name}
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        className="mt-0.5 size-4 rounded border-slate-300 accent-brand-600"
      />
      <span>
        <span className="font-medium text-slate-800">{label}</span>
        {hint && <span className="block text-xs text-slate-500">{hint}</span>}
        {error && <span className="block text-xs font-medium text-red-600">{error}</span>}
      </span>
    </label>
  );
}

/** The error of a failed action, in words; for a 422, the field errors the form does not show. */
export function ErrorAlert({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const unshown = apiError
    ? Object.entries(apiError.fieldErrors).filter(
        ([field]) => !shownFields.some((shown) => field === shown || field.startsWith(`${shown}.`)),
      )
    : [];
  const fieldCount = apiError ? Object.keys(apiError.fieldErrors).length : 0;
  const message =
    apiError && fieldCount > unshown.length
      ? "Please correct the highlighted fields."
      : error instanceof Error
        ? error.message
        : "Something went wrong.";
  return (
    <div className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200" role="alert">
      <p className="font-medium">{message}</p>
      {unshown.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {unshown.map(([field, text]) => (
            <li key={field}>
              <span className="font-mono text-xs">{field}</span>: {text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Text input for an optional whole number (caps): empty means none (`null`). */
export function optionalInt(value: string): number | null {
  return value.trim() === "" ? null : Number(value);
}

export function intText(value: number | null | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}

export function FormSection({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <fieldset className="grid gap-4 border-t border-slate-100 py-5 first:border-t-0 first:pt-0 md:grid-cols-3">
      <div>
        <legend className="font-semibold text-slate-900">{title}</legend>
        {description && <p className="mt-1 text-xs text-slate-500">{description}</p>}
      </div>
      <div className="grid gap-4 sm:grid-cols-2 md:col-span-2">{children}</div>
    </fieldset>
  );
}
