import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Timeline } from "../api";

const hourFormat = new Intl.DateTimeFormat("en-US", { hour: "numeric" });
const dayFormat = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric" });

/** Calls per bucket, with how many were answered and converted (stacked on the same scale). */
export default function CallsChart({ timeline }: { timeline: Timeline }) {
  const format = timeline.interval === "hour" ? hourFormat : dayFormat;
  const data = timeline.buckets.map((bucket) => ({
    label: format.format(new Date(bucket.start)),
    Converted: bucket.converted,
    "Answered, not converted": Math.max(0, bucket.answered - bucket.converted),
    "Not answered": Math.max(0, bucket.calls - bucket.answered),
  }));
  return (
    <div className="h-72 w-full" role="img" aria-label={`Calls per ${timeline.interval}`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#64748b" }} interval="preserveStartEnd" minTickGap={12} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#64748b" }} />
          <Tooltip cursor={{ fill: "#f1f5f9" }} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="Converted" stackId="calls" fill="#059669" isAnimationActive={false} />
          <Bar dataKey="Answered, not converted" stackId="calls" fill="#3b82f6" isAnimationActive={false} />
          <Bar dataKey="Not answered" stackId="calls" fill="#cbd5e1" isAnimationActive={false} radius={[3, 3, 0, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
