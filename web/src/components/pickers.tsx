import type { SelectHTMLAttributes } from "react";
import { Select, TextInput } from "./form";

const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "UTC"];
  }
})();

/** IANA time zones; the API checks the name again (a 422 on the field if unknown). */
export function TimezoneSelect(props: SelectHTMLAttributes<HTMLSelectElement>) {
  const value = String(props.value ?? "");
  const zones = value && !ZONES.includes(value) ? [value, ...ZONES] : ZONES;
  return (
    <Select {...props}>
      {zones.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replace(/_/g, " ")}
        </option>
      ))}
    </Select>
  );
}

/** US state codes typed as "CA, NY, TX"; empty means every state. */
export function StatesInput({
  value,
  onChange,
  ...rest
}: {
  value: string[];
  onChange: (states: string[]) => void;
  id?: string;
  name?: string;
}) {
  return (
    <TextInput
      {...rest}
      placeholder="All states"
      defaultValue={value.join(", ")}
      onChange={(event) =>
        onChange(
          event.target.value
            .split(/[\s,;]+/)
            .map((state) => state.trim().toUpperCase())
            .filter(Boolean),
        )
      }
    />
  );
}

/** A select of rows by id with an explicit "none" choice (`""`). */
export function RowSelect({
  rows,
  none,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { rows: { id: string; name: string }[] | undefined; none: string }) {
  return (
    <Select {...props}>
      <option value="">{none}</option>
      {(rows ?? []).map((row) => (
        <option key={row.id} value={row.id}>
          {row.name}
        </option>
      ))}
    </Select>
  );
}
