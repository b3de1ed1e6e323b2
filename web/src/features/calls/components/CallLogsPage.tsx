import { useMemo, useState } from "react";
import { queryString } from "@/api/client";
import { Badge, StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, FilterSelect, SearchInput } from "@/components/FilterBar";
import { ErrorAlert, TextInput } from "@/components/form";
import { Card, PageHeader } from "@/components/PageHeader";
import { useBuyerOptions, useTargetOptions } from "@/features/buyers/hooks";
import { useCampaignOptions } from "@/features/campaigns/hooks";
import { duration, label, money, phone, shortWhen } from "@/lib/format";
import { fromLocalInput, isoWithOffset, localInput, presetRange, PRESETS, type Preset } from "@/lib/dateRange";
import { toggledSort, useListParams } from "@/lib/listParams";
import { CALL_STATUSES, downloadExport, type Call, type CallQuery, type CallStatus } from "../api";
import { useCalls } from "../hooks";
import { CallDetailPanel, type Names } from "./CallDetail";

const FILTERS = ["range", "from", "to", "campaign_id", "status", "caller", "converted", "duplicate"] as const;

/** The list filters as the API's query (the date range resolved to instants in the browser's zone). */
function apiQuery(filters: Record<string, string>): CallQuery {
  const range = (filters.range || "7d") as Preset;
  let from: Date | null;
  let to: Date | null;
  if (range === "custom") {
    from = fromLocalInput(filters.from ?? "");
    to = fromLocalInput(filters.to ?? "");
  } else {
    ({ start: from, end: to } = presetRange(range));
  }
  const bool = (value: string | undefined) => (value ? value === "true" : undefined);
  return {
    started_from: from ? isoWithOffset(from) : undefined,
    started_to: to ? isoWithOffset(to) : undefined,
    campaign_id: filters.campaign_id || undefined,
    status: filters.status ? [filters.status as CallStatus] : undefined,
    caller: filters.caller || undefined,
    converted: bool(filters.converted),
    duplicate: bool(filters.duplicate),
  };
}

export function CallLogsPage() {
  const list = useListParams("-started_at", FILTERS);
  const query = useMemo(() => apiQuery(list.filters), [list.filters]);
  const calls = useCalls({ ...query, limit: list.limit, offset: list.offset, sort: list.sort });
  const [open, setOpen] = useState<string | null>(null);
  const campaigns = useCampaignOptions();
  const targets = useTargetOptions();
  const buyers = useBuyerOptions();
  const names: Names = useMemo(
    () => ({
      campaign: new Map((campaigns.data?.items ?? []).map((row) => [row.id, row.name])),
      target: new Map((targets.data?.items ?? []).map((row) => [row.id, row.name])),
      buyer: new Map((buyers.data?.items ?? []).map((row) => [row.id, row.name])),
    }),
    [campaigns.data, targets.data, buyers.data],
  );
  const range = (list.filters.range || "7d") as Preset;

  const columns: Column<Call>[] = [
    {
      key: "expand",
      header: <span className="sr-only">Details</span>,
      render: (row) => (
        <button
          type="button"
          aria-expanded={open === row.id}
          aria-label={open === row.id ? "Hide the call's journey" : "Show the call's journey"}
          className="rounded p-0.5 text-slate-400 hover:text-slate-800"
        >
          {open === row.id ? "▾" : "▸"}
        </button>
      ),
    },
    { key: "started", header: "Started", sort: "started_at", render: (row) => shortWhen(row.started_at) },
    { key: "caller", header: "Caller", render: (row) => <span className="font-medium">{phone(row.caller)}</span> },
    { key: "campaign", header: "Campaign", wrap: true, render: (row) => (row.campaign_id ? names.campaign.get(row.campaign_id) ?? "—" : "—") },
    {
      key: "target",
      header: "Target",
      wrap: true,
      render: (row) => (row.target_id ? names.target.get(row.target_id) ?? "—" : row.disposition ? label(row.disposition) : "—"),
    },
    {
      key: "status",
      header: "Status",
      sort: "status",
      wrap: true,
      render: (row) => (
        <span className="flex flex-wrap items-center gap-1">
          <StatusBadge status={row.status} />
          {row.converted && <Badge tone="green">Converted</Badge>}
          {row.duplicate && <Badge tone="amber">Dup</Badge>}
        </span>
      ),
    },
    { key: "duration", header: "Duration", sort: "duration_seconds", render: (row) => duration(row.duration_seconds), className: "text-right" },
    { key: "revenue", header: "Revenue", sort: "revenue", render: (row) => money(row.revenue), className: "text-right" },
  ];

  return (
    <>
      <PageHeader
        title="Call Logs"
        description="Every call with its journey: how it was routed, who answered, and what it earned."
        actions={<ExportButton query={{ ...query, sort: list.sort }} total={calls.data?.total} />}
      />
      <Card>
        <FilterBar>
          <FilterSelect label="Date range" value={range} onChange={(value) => list.setFilter("range", value === "7d" ? "" : value)} options={PRESETS} />
          {range === "custom" && (
            <>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
                From
                <TextInput
                  type="datetime-local"
                  value={list.filters.from || localInput(presetRange("7d").start)}
                  onChange={(event) => list.setFilter("from", event.target.value)}
                />
              </label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
                To
                <TextInput
                  type="datetime-local"
                  value={list.filters.to || localInput(presetRange("today").end)}
                  onChange={(event) => list.setFilter("to", event.target.value)}
                />
              </label>
            </>
          )}
          <FilterSelect
            label="Campaign"
            value={list.filters.campaign_id ?? ""}
            onChange={(value) => list.setFilter("campaign_id", value)}
            options={[{ value: "", label: "All campaigns" }, ...(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))]}
          />
          <FilterSelect
            label="Status"
            value={list.filters.status ?? ""}
            onChange={(value) => list.setFilter("status", value)}
            options={[{ value: "", label: "Any status" }, ...CALL_STATUSES.map((s) => ({ value: s, label: label(s) }))]}
          />
          <FilterSelect
            label="Converted"
            value={list.filters.converted ?? ""}
            onChange={(value) => list.setFilter("converted", value)}
            options={[
              { value: "", label: "Any" },
              { value: "true", label: "Converted" },
              { value: "false", label: "Not converted" },
            ]}
          />
          <FilterSelect
            label="Duplicates"
            value={list.filters.duplicate ?? ""}
            onChange={(value) => list.setFilter("duplicate", value)}
            options={[
              { value: "", label: "Any" },
              { value: "false", label: "Unique callers" },
              { value: "true", label: "Duplicates only" },
            ]}
          />
          <SearchInput value={list.filters.caller ?? ""} onChange={(value) => list.setFilter("caller", value)} placeholder="Caller number contains" />
        </FilterBar>
        <ErrorAlert error={calls.error} />
        <DataTable
          label="Calls"
          columns={columns}
          rows={calls.data?.items}
          rowKey={(row) => row.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={calls.isFetching}
          onRowClick={(row) => setOpen((current) => (current === row.id ? null : row.id))}
          expanded={(row) => row.id === open}
          renderExpanded={(row) => <CallDetailPanel callId={row.id} names={names} />}
          empty={
            <EmptyState title="No call in this range">
              Widen the date range or clear the filters. Calls appear here as soon as a tracking number is called; try{" "}
              <code className="rounded bg-slate-100 px-1">callcenter simulate call --to &lt;number&gt; --from +12125550100</code>.
            </EmptyState>
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={calls.data?.total} onOffset={list.setOffset} />
      </Card>
    </>
  );
}

/** Downloads the calls the filters select as CSV, showing progress while the server builds and sends it. */
function ExportButton({ query, total }: { query: CallQuery; total: number | undefined }) {
  const [bytes, setBytes] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function run() {
    setError(null);
    setBytes(0);
    try {
      const blob = await downloadExport(queryString({ ...query }), setBytes);
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = `calls-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      URL.revokeObjectURL(url);
    } catch (caught) {
      setError(caught);
    } finally {
      setBytes(null);
    }
  }
  return (
    <div className="flex flex-col items-end gap-1">
      <Button onClick={run} busy={bytes !== null} disabled={!total}>
        {bytes === null ? `Export CSV${total ? ` (${total.toLocaleString("en-US")})` : ""}` : bytes ? `Downloading… ${(bytes / 1024).toFixed(0)} KB` : "Preparing export…"}
      </Button>
      {bytes !== null && (
        <div className="h-1 w-40 overflow-hidden rounded bg-slate-200" role="progressbar" aria-label="Export progress">
          <div className="h-full w-1/3 animate-pulse bg-brand-600" />
        </div>
      )}
      <ErrorAlert error={error} />
    </div>
  );
}
