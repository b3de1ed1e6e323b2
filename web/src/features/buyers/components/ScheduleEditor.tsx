import { useState } from "react";
import { Button } from "@/components/Button";
import { TextInput, useFieldError } from "@/components/form";
import { TimezoneSelect } from "@/components/pickers";
import type { Schedule } from "../api";

export const WEEKDAYS = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
] as const;

type Day = (typeof WEEKDAYS)[number][0];
type Range = { start: string; end: string };

export function emptySchedule(timezone = "America/New_York"): Schedule {
  return { timezone, weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [] };
}

function rangesOf(schedule: Schedule, day: Day): Range[] {
  return schedule.weekly?.[day] ?? [];
}

/**
 * Weekly opening hours with holidays, as the API stores them: several ranges a day; an end before the
 * start runs overnight; start = end is 24 hours; an empty day is closed. The API checks overlaps and
 * answers with the path of the range at fault (`weekly.mon.0`), shown here.
 */
export function ScheduleEditor({ value, onChange }: { value: Schedule; onChange: (schedule: Schedule) => void }) {
  const error = useFieldError("schedule");
  const [holiday, setHoliday] = useState("");
  const setDay = (day: Day, ranges: Range[]) => onChange({ ...value, weekly: { ...value.weekly, [day]: ranges } });
  const copyMonday = (days: Day[]) => {
    const monday = rangesOf(value, "mon");
    onChange({ ...value, weekly: { ...value.weekly, ...Object.fromEntries(days.map((day) => [day, monday])) } });
  };

  return (
    <div className="flex flex-col gap-4" data-testid="schedule-editor">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          Schedule time zone
          <TimezoneSelect value={value.timezone} onChange={(e) => onChange({ ...value, timezone: e.target.value })} />
        </label>
        <Button size="sm" onClick={() => copyMonday(["tue", "wed", "thu", "fri"])}>
          Copy Monday to weekdays
        </Button>
        <Button size="sm" onClick={() => copyMonday(["tue", "wed", "thu", "fri", "sat", "sun"])}>
          Copy Monday to every day
        </Button>
      </div>
      <div className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
        {WEEKDAYS.map(([day, name]) => {
          const ranges = rangesOf(value, day);
          return (
            <div key={day} className="flex flex-wrap items-center gap-3 px-3 py-2" data-day={day}>
              <span className="w-24 font-medium text-slate-700">{name}</span>
              {ranges.length === 0 && <span className="text-slate-400">Closed</span>}
              {ranges.map((range, index) => (
                <span key={index} className="flex items-center gap-1">
                  <TextInput
                    type="time"
                    aria-label={`${name} range ${index + 1} opens`}
                    className="w-28"
                    value={range.start}
                    required
                    onChange={(e) => setDay(day, ranges.map((r, i) => (i === index ? { ...r, start: e.target.value } : r)))}
                  />
                  <span className="text-slate-400">–</span>
                  <TextInput
                    type="time"
                    aria-label={`${name} range ${index + 1} closes`}
                    className="w-28"
                    value={range.end}
                    required
                    onChange={(e) => setDay(day, ranges.map((r, i) => (i === index ? { ...r, end: e.target.value } : r)))}
                  />
                  <button
                    type="button"
                    className="rounded p-1 text-slate-400 hover:text-red-600"
                    aria-label={`Remove ${name} range ${index + 1}`}
                    onClick={() => setDay(day, ranges.filter((_, i) => i !== index))}
                  >
                    ✕
                  </button>
                </span>
              ))}
              <Button size="sm" variant="ghost" onClick={() => setDay(day, [...ranges, { start: "09:00", end: "17:00" }])}>
                + Add hours
              </Button>
            </div>
          );
        })}
      </div>
      <div>
        <p className="mb-1 text-xs font-medium text-slate-700">Holidays (closed all day)</p>
        <div className="flex flex-wrap items-center gap-2">
          {(value.holidays ?? []).map((day) => (
            <span key={day} className="flex items-center gap-1 rounded-full bg-slate-100 px-2.5 py-0.5 text-xs">
              {day}
              <button
                type="button"
                aria-label={`Remove holiday ${day}`}
                className="text-slate-400 hover:text-red-600"
                onClick={() => onChange({ ...value, holidays: (value.holidays ?? []).filter((h) => h !== day) })}
              >
                ✕
              </button>
            </span>
          ))}
          <TextInput type="date" aria-label="Holiday date" className="w-40" value={holiday} onChange={(e) => setHoliday(e.target.value)} />
          <Button
            size="sm"
            disabled={!holiday}
            onClick={() => {
              onChange({ ...value, holidays: [...new Set([...(value.holidays ?? []), holiday])].sort() });
              setHoliday("");
            }}
          >
            Add holiday
          </Button>
        </div>
      </div>
      {error && (
        <p className="text-xs font-medium text-red-600" role="alert" data-field-error="schedule">
          {error}
        </p>
      )}
    </div>
  );
}
