import { useState } from "react";
import { Link, useParams } from "react-router";
import { StatusBadge } from "@/components/Badge";
import { Button, ButtonLink } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, FilterSelect } from "@/components/FilterBar";
import { ErrorAlert } from "@/components/form";
import { Modal } from "@/components/Modal";
import { Card, PageHeader } from "@/components/PageHeader";
import { Loading } from "@/components/Spinner";
import { useToast } from "@/components/Toast";
import { cap, money, phone } from "@/lib/format";
import { toggledSort, useListParams } from "@/lib/listParams";
import type { PartyStatus, Target } from "../api";
import { useArchiveBuyer, useBuyer, useBuyerTargets, useUpdateBuyer } from "../hooks";
import { BuyerForm } from "./BuyerForm";
import { PARTY_STATUS_OPTIONS } from "./BuyersPage";

const COLUMNS: Column<Target>[] = [
  {
    key: "name",
    header: "Target",
    sort: "name",
    render: (row) => (
      <Link to={`/targets/${row.id}`} className="font-medium text-brand-700 hover:underline">
        {row.name}
      </Link>
    ),
  },
  { key: "destination", header: "Destination", render: (row) => phone(row.destination) },
  { key: "status", header: "Status", render: (row) => <StatusBadge status={row.status} /> },
  { key: "priority", header: "Priority / weight", sort: "priority", render: (row) => `${row.priority} / ${row.weight}` },
  { key: "schedule", header: "Hours", render: (row) => (row.schedule ? `Scheduled (${row.schedule.timezone})` : "Always open") },
  { key: "caps", header: "Concurrency / day", render: (row) => `${cap(row.concurrency_cap)} / ${cap(row.daily_cap)}` },
  { key: "revenue", header: "Revenue", render: (row) => money(row.revenue), className: "text-right" },
];

export function BuyerPage() {
  const { buyerId = "" } = useParams();
  const buyer = useBuyer(buyerId);
  const list = useListParams("name", ["status"]);
  const targets = useBuyerTargets(buyerId, {
    status: (list.filters.status || undefined) as PartyStatus | undefined,
    limit: list.limit,
    offset: list.offset,
    sort: list.sort,
  });
  const update = useUpdateBuyer(buyerId);
  const archive = useArchiveBuyer(buyerId);
  const notify = useToast();
  const [editing, setEditing] = useState(false);

  if (buyer.isPending) return <Loading what="Loading the buyer" />;
  if (buyer.error) return <ErrorAlert error={buyer.error} />;
  const row = buyer.data;
  const newTarget = (
    <ButtonLink to={`/buyers/${row.id}/targets/new`} variant="primary">
      New target
    </ButtonLink>
  );

  return (
    <>
      <PageHeader
        back={{ to: "/buyers", label: "Buyers & Targets" }}
        title={
          <span className="flex items-center gap-3">
            {row.name} <StatusBadge status={row.status} />
          </span>
        }
        description={[row.company, row.email, phone(row.phone ?? undefined)].filter((v) => v && v !== "—").join(" · ") || undefined}
        actions={
          <>
            <Button onClick={() => setEditing(true)}>Edit buyer</Button>
            {row.status !== "archived" && (
              <ConfirmButton
                label="Archive"
                title={`Archive ${row.name}?`}
                confirmLabel="Archive buyer"
                onConfirm={() => archive.mutateAsync().then(() => notify("Buyer archived"))}
              >
                An archived buyer's targets take no more calls. Past calls keep their buyer.
              </ConfirmButton>
            )}
            {newTarget}
          </>
        }
      />
      <div className="mb-5 grid gap-3 sm:grid-cols-4">
        {(["concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap"] as const).map((name) => (
          <div key={name} className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
            <p className="text-xs text-slate-500">{{ concurrency_cap: "Concurrent", hourly_cap: "Per hour", daily_cap: "Per day", monthly_cap: "Per month" }[name]} cap</p>
            <p className="text-lg font-semibold text-slate-900">{cap(row[name])}</p>
          </div>
        ))}
      </div>
      <Card title="Targets">
        <FilterBar>
          <FilterSelect label="Status" value={list.filters.status ?? ""} onChange={(value) => list.setFilter("status", value)} options={PARTY_STATUS_OPTIONS} />
        </FilterBar>
        <ErrorAlert error={targets.error} />
        <DataTable
          label="Targets"
          columns={COLUMNS}
          rows={targets.data?.items}
          rowKey={(target) => target.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={targets.isFetching}
          empty={
            <EmptyState title="This buyer has no target yet" action={newTarget}>
              A target is where calls ring: a phone number or SIP address with its hours, caps and revenue per converted call.
            </EmptyState>
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={targets.data?.total} onOffset={list.setOffset} />
      </Card>
      <Modal open={editing} onClose={() => setEditing(false)} title={`Edit ${row.name}`} wide>
        {editing && (
          <BuyerForm
            buyer={row}
            submitLabel="Save buyer"
            busy={update.isPending}
            error={update.error}
            onCancel={() => setEditing(false)}
            onSubmit={(body) =>
              update.mutate(body, {
                onSuccess: () => {
                  setEditing(false);
                  notify("Buyer saved");
                },
              })
            }
          />
        )}
      </Modal>
    </>
  );
}
