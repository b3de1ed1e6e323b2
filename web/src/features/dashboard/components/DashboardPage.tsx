import { lazy, Suspense, useMemo, useState, type ReactNode } from "react";
import { Link } from "react-router";
import { ButtonLink } from "@/components/Button";
import { EmptyState } from "@/components/EmptyState";
import { FilterSelect } from "@/components/FilterBar";
import { ErrorAlert } from "@/components/form";
import { Card, PageHeader } from "@/components/PageHeader";
import { Loading } from "@/components/Spinner";
import { BROWSER_TIMEZONE, isoWithOffset, presetRange, PRESETS, type Preset } from "@/lib/dateRange";
import { count, money, percent } from "@/lib/format";
import type { TopRow } from "../api";
import { useSummary, useTimeline } from "../hooks";

// recharts is the largest dependency: it loads with the dashboard only, starting as soon as the dashboard
// does, so it downloads while the figures are being fetched rather than after.
const chart = import("./CallsChart");
const CallsChart = lazy(() => chart);

type Range = Exclude<Preset, "custom">;

export function DashboardPage() {
  const [range, setRange] = useState<Range>("today");
  const query = useMemo(() => {
    const { start, end } = presetRange(range);
    return { start: isoWithOffset(start), end: isoWithOffset(end), timezone: BROWSER_TIMEZONE };
  }, [range]);
  const interval = range === "today" || range === "yesterday" ? "hour" : "day";
  const summary = useSummary(query);
  const timeline = useTimeline(query, interval);
  const data = summary.data;
  const rangeLabel = PRESETS.find((p) => p.value === range)?.label ?? "";

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`${rangeLabel}, in your time zone (${BROWSER_TIMEZONE.replace(/_/g, " ")}). Refreshes every 30 seconds.`}
        actions={
          <FilterSelect
            label="Period"
            value={range}
            onChange={(value) => setRange(value as Range)}
            options={PRESETS.filter((p) => p.value !== "custom")}
          />
        }
      />
      <ErrorAlert error={summary.error ?? timeline.error} />
      <section aria-label="Key figures" className="mb-5 grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7">
        <Kpi name="Calls" value={count(data?.calls)} />
        <Kpi name="Answered" value={count(data?.answered)} note={data ? percent(data.answered, data.calls) : undefined} />
        <Kpi name="Converted" value={count(data?.converted)} note={data ? percent(data.converted, data.calls) : undefined} />
        <Kpi name="Revenue" value={money(data?.revenue)} />
        <Kpi name="Payout" value={money(data?.payout)} />
        <Kpi name="Profit" value={money(data?.profit)} tone={data && Number(data.profit) < 0 ? "text-red-600" : "text-emerald-700"} />
        <Kpi
          name="Live calls"
          value={count(data?.live_calls)}
          note="right now"
          icon={data && data.live_calls > 0 ? <span className="size-2 animate-pulse rounded-full bg-emerald-500" /> : undefined}
        />
      </section>
      <Card title={`Calls per ${interval}`} className="mb-5">
        <div className="p-4">
          {timeline.data ? (
            timeline.data.buckets.some((bucket) => bucket.calls > 0) ? (
              <Suspense fallback={<Loading what="Drawing the chart" />}>
                <CallsChart timeline={timeline.data} />
              </Suspense>
            ) : (
              <EmptyState title={`No call ${range === "today" ? "yet today" : "in this period"}`} action={<ButtonLink to="/numbers">Check your numbers</ButtonLink>}>
                Calls show here as they come in. A campaign needs an active status, a number and an assigned target to take
                calls.
              </EmptyState>
            )
          ) : (
            <Loading what="Loading the timeline" />
          )}
        </div>
      </Card>
      <div className="grid gap-5 lg:grid-cols-2">
        <TopTable title="Top campaigns" rows={data?.top_campaigns} link={(row) => `/campaigns/${row.id}`} />
        <TopTable title="Top targets" rows={data?.top_targets} link={(row) => `/targets/${row.id}`} />
      </div>
    </>
  );
}

function Kpi({ name, value, note, tone = "text-slate-900", icon }: { name: string; value: string; note?: string; tone?: string; icon?: ReactNode }) {
  return (
    <div className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
      <p className="flex items-center gap-1.5 text-xs font-medium text-slate-500">
        {icon}
        {name}
      </p>
      <p className={`mt-1 text-xl font-semibold tabular-nums ${tone}`} data-kpi={name}>
        {value}
      </p>
      {note && <p className="text-xs text-slate-400">{note}</p>}
    </div>
  );
}

function TopTable({ title, rows, link }: { title: string; rows: TopRow[] | undefined; link: (row: TopRow) => string }) {
  return (
    <Card title={title}>
      {!rows ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="px-4 py-8 text-center text-slate-500">No call in this period.</p>
      ) : (
        <table className="min-w-full" aria-label={title}>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase text-slate-500">
            <tr>
              <th className="px-4 py-2">Name</th>
              <th className="px-4 py-2 text-right">Calls</th>
              <th className="px-4 py-2 text-right">Converted</th>
              <th className="px-4 py-2 text-right">Revenue</th>
              <th className="px-4 py-2 text-right">Profit</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id}>
                <td className="px-4 py-2">
                  <Link to={link(row)} className="font-medium text-brand-700 hover:underline">
                    {row.name}
                  </Link>
                </td>
                <td className="px-4 py-2 text-right tabular-nums">{count(row.calls)}</td>
                <td className="px-4 py-2 text-right tabular-nums">{count(row.converted)}</td>
                <td className="px-4 py-2 text-right tabular-nums">{money(row.revenue)}</td>
                <td className="px-4 py-2 text-right tabular-nums">{money(row.profit)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
