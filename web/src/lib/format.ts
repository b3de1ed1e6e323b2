// Display formats. Amounts arrive as decimal strings ("35.0000"): they are formatted, never summed here.

const currency = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const integer = new Intl.NumberFormat("en-US");
const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const timeOnly = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", second: "2-digit" });

export function money(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  return currency.format(Number(value));
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : integer.format(value);
}

export function percent(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(1)}%` : "—";
}

export function when(value: string | null | undefined): string {
  return value ? dateTime.format(new Date(value)) : "—";
}

const thisYear = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });

/** "Nov 21, 1:03 PM" for this year's dates (tables), the full date otherwise. */
export function shortWhen(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return date.getFullYear() === new Date().getFullYear() ? thisYear.format(date) : dateTime.format(date);
}

export function clock(value: string | null | undefined): string {
  return value ? timeOnly.format(new Date(value)) : "—";
}

/** 95 -> "1:35"; 3725 -> "1:02:05". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** +14155550100 -> "+1 (415) 555-0100"; anything else is shown as it is. */
export function phone(value: string | null | undefined): string {
  if (!value) return "—";
  const us = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(value);
  return us ? `+1 (${us[1]}) ${us[2]}-${us[3]}` : value;
}

export function label(value: string): string {
  const text = value.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function cap(value: number | null | undefined): string {
  return value === null || value === undefined ? "∞" : integer.format(value);
}
