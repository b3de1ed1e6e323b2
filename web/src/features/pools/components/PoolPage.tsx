import { useState } from "react";
import { useNavigate, useParams } from "react-router";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { ErrorAlert } from "@/components/form";
import { Card, PageHeader } from "@/components/PageHeader";
import { Loading } from "@/components/Spinner";
import { useToast } from "@/components/Toast";
import type { PhoneNumber } from "@/features/numbers/api";
import { useNumbers } from "@/features/numbers/hooks";
import { count, phone, when } from "@/lib/format";
import { useAddPoolNumbers, useDeletePool, usePool, usePoolHealth, usePoolNumbers, useRemovePoolNumber, useUpdatePool } from "../hooks";
import { PoolForm } from "./PoolForm";

export function PoolPage() {
  const { poolId = "" } = useParams();
  const pool = usePool(poolId);
  const update = useUpdatePool(poolId);
  const remove = useDeletePool(poolId);
  const navigate = useNavigate();
  const notify = useToast();
  if (pool.isPending) return <Loading what="Loading the pool" />;
  if (pool.error) return <ErrorAlert error={pool.error} />;
  const row = pool.data;
  return (
    <>
      <PageHeader
        back={{ to: "/pools", label: "Number Pools" }}
        title={row.name}
        actions={
          <ConfirmButton
            label="Delete pool"
            title={`Delete ${row.name}?`}
            confirmLabel="Delete pool"
            onConfirm={() => remove.mutateAsync().then(() => navigate("/pools"))}
          >
            The pool's numbers are kept, unassigned: they stop ringing the campaign until you assign them again.
          </ConfirmButton>
        }
      />
      <div className="grid gap-5 xl:grid-cols-[1fr_22rem]">
        <div className="grid gap-5">
          <PoolNumbers poolId={row.id} />
          <Card title="Settings">
            <div className="p-5">
              <PoolForm
                key={row.updated_at}
                pool={row}
                submitLabel="Save pool"
                busy={update.isPending}
                error={update.error}
                onSubmit={(body) => update.mutate(body, { onSuccess: () => notify("Pool saved") })}
              />
            </div>
          </Card>
        </div>
        <PoolHealthCard poolId={row.id} />
      </div>
    </>
  );
}

function PoolNumbers({ poolId }: { poolId: string }) {
  const [offset, setOffset] = useState(0);
  const numbers = usePoolNumbers(poolId, offset);
  const removeNumber = useRemovePoolNumber(poolId);
  const notify = useToast();
  const columns: Column<PhoneNumber>[] = [
    { key: "number", header: "Number", render: (row) => <span className="font-medium">{phone(row.number)}</span> },
    { key: "name", header: "Name", render: (row) => row.friendly_name || "—" },
    { key: "added", header: "Added", render: (row) => when(row.created_at) },
    {
      key: "remove",
      header: <span className="sr-only">Remove</span>,
      className: "text-right",
      render: (row) => (
        <Button
          size="sm"
          busy={removeNumber.isPending && removeNumber.variables === row.id}
          onClick={() => removeNumber.mutate(row.id, { onSuccess: () => notify("Number removed from the pool") })}
        >
          Remove
        </Button>
      ),
    },
  ];
  return (
    <Card title={`Numbers in the pool${numbers.data ? ` (${numbers.data.total})` : ""}`}>
      <ErrorAlert error={numbers.error ?? removeNumber.error} />
      <DataTable
        label="Pool numbers"
        columns={columns}
        rows={numbers.data?.items}
        rowKey={(row) => row.id}
        loading={numbers.isFetching}
        empty={
          <EmptyState title="The pool has no number yet">
            Add free numbers below. Size the pool for your traffic: one number per visitor on the page at the same time.
          </EmptyState>
        }
      />
      <Pagination offset={offset} limit={25} total={numbers.data?.total} onOffset={setOffset} />
      <AddNumbers poolId={poolId} />
    </Card>
  );
}

function AddNumbers({ poolId }: { poolId: string }) {
  const free = useNumbers({ unassigned: true, limit: 500, sort: "number" });
  const add = useAddPoolNumbers(poolId);
  const notify = useToast();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const rows = free.data?.items ?? [];
  const toggle = (id: string) =>
    setChosen((set) => {
      const next = new Set(set);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <div className="border-t border-slate-100 px-4 py-4">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="font-medium text-slate-800">Add free numbers</h3>
        {rows.length > 0 && (
          <Button size="sm" variant="ghost" onClick={() => setChosen(new Set(rows.map((row) => row.id)))}>
            Select all {rows.length}
          </Button>
        )}
      </div>
      {rows.length === 0 ? (
        <p className="text-slate-500">Every number is assigned. Add numbers on the Numbers page first.</p>
      ) : (
        <div className="grid max-h-48 grid-cols-2 gap-1 overflow-y-auto sm:grid-cols-3">
          {rows.map((row) => (
            <label key={row.id} className="flex items-center gap-2 rounded px-2 py-1 hover:bg-slate-50">
              <input type="checkbox" className="accent-brand-600" checked={chosen.has(row.id)} onChange={() => toggle(row.id)} />
              {phone(row.number)}
            </label>
          ))}
        </div>
      )}
      <div className="mt-3 flex items-center justify-between gap-2">
        <ErrorAlert error={add.error} />
        <Button
          variant="primary"
          disabled={chosen.size === 0}
          busy={add.isPending}
          onClick={() =>
            add.mutate([...chosen], {
              onSuccess: (page) => {
                setChosen(new Set());
                notify(`${page.total} number(s) added`);
              },
            })
          }
        >
          Add {chosen.size || ""} to the pool
        </Button>
      </div>
    </div>
  );
}

const WINDOWS = [24, 24 * 7, 24 * 30];

/** Whether the pool is big enough: numbers leased now, shortages in the window, a recommended size. */
function PoolHealthCard({ poolId }: { poolId: string }) {
  const [hours, setHours] = useState(24);
  const health = usePoolHealth(poolId, hours);
  const data = health.data;
  const short = data ? data.recommended_size > data.size : false;
  return (
    <Card
      title="Pool health"
      actions={
        <select
          aria-label="Health window"
          value={hours}
          onChange={(event) => setHours(Number(event.target.value))}
          className="rounded-md py-1 pl-2 pr-7 text-xs ring-1 ring-slate-300"
        >
          {WINDOWS.map((value) => (
            <option key={value} value={value}>
              Last {value === 24 ? "24 hours" : `${value / 24} days`}
            </option>
          ))}
        </select>
      }
    >
      <ErrorAlert error={health.error} />
      {!data && !health.error && <Loading what="Checking the pool" />}
      {data && (
        <div className="p-4">
          <p
            className={`mb-3 rounded-md px-3 py-2 font-medium ring-1 ${short ? "bg-amber-50 text-amber-900 ring-amber-200" : "bg-emerald-50 text-emerald-800 ring-emerald-200"}`}
          >
            {short
              ? `Too small: ${data.overflow_count} visitor(s) found no free number. Grow it to ${data.recommended_size}.`
              : `Big enough: recommended size ${data.recommended_size}.`}
          </p>
          <dl className="grid grid-cols-2 gap-3">
            {(
              [
                ["Numbers", data.size],
                ["Leased now", data.leased_now],
                ["Free now", data.available_now],
                ["Visitor sessions", data.sessions],
                ["Peak leased", data.peak_leased],
                ["Peak demand", data.peak_demand],
                ["Ran out", data.exhausted_events],
                ["Overflowed visitors", data.overflow_count],
              ] as const
            ).map(([name, value]) => (
              <div key={name} className="rounded-md bg-slate-50 px-3 py-2">
                <dt className="text-xs text-slate-500">{name}</dt>
                <dd className="text-base font-semibold text-slate-900">{count(value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </Card>
  );
}
