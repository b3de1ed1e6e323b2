// Date ranges are picked in the browser's time zone and sent to the API as instants with an offset.

export type Preset = "today" | "yesterday" | "7d" | "30d" | "custom";

export const PRESETS: { value: Preset; label: string }[] = [
  { value: "today", label: "Today" },
  { value: "yesterday", label: "Yesterday" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
  { value: "custom", label: "Custom range" },
];

function midnight(date: Date, daysAgo = 0): Date {
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate() - daysAgo);
  return day;
}

/** `[start, end)` of a preset, ending at the next local midnight (so "today" covers all of today). */
export function presetRange(preset: Exclude<Preset, "custom">, now = new Date()): { start: Date; end: Date } {
  const tomorrow = midnight(now, -1);
  switch (preset) {
    case "today":
      return { start: midnight(now), end: tomorrow };
    case "yesterday":
      return { start: midnight(now, 1), end: midnight(now) };
    case "7d":
      return { start: midnight(now, 6), end: tomorrow };
    case "30d":
      return { start: midnight(now, 29), end: tomorrow };
  }
}

/** An instant as ISO 8601 with the browser's own UTC offset ("2026-11-21T00:00:00-05:00"). */
export function isoWithOffset(date: Date): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

/** The value of an <input type="datetime-local"> for a date, and back. */
export function localInput(date: Date): string {
  return isoWithOffset(date).slice(0, 16);
}

export function fromLocalInput(value: string): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export const BROWSER_TIMEZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
