import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, FilterSelect, SearchInput } from "@/components/FilterBar";
import { ErrorAlert } from "@/components/form";
import { Modal } from "@/components/Modal";
import { Card, PageHeader } from "@/components/PageHeader";
import { useToast } from "@/components/Toast";
import { cap, when } from "@/lib/format";
import { toggledSort, useListParams } from "@/lib/listParams";
import type { Buyer, PartyStatus } from "../api";
import { useBuyers, useCreateBuyer } from "../hooks";
import { BuyerForm } from "./BuyerForm";

const COLUMNS: Column<Buyer>[] = [
  {
    key: "name",
    header: "Buyer",
    sort: "name",
    render: (row) => (
      <Link to={`/buyers/${row.id}`} className="font-medium text-brand-700 hover:underline">
        {row.name}
      </Link>
    ),
  },
  { key: "company", header: "Company", render: (row) => row.company || "—" },
  { key: "status", header: "Status", render: (row) => <StatusBadge status={row.status} /> },
  { key: "caps", header: "Concurrency / day", render: (row) => `${cap(row.concurrency_cap)} / ${cap(row.daily_cap)}` },
  { key: "created", header: "Created", sort: "created_at", render: (row) => when(row.created_at) },
];

export const PARTY_STATUS_OPTIONS = [
  { value: "", label: "Any but archived" },
  { value: "active", label: "Active" },
  { value: "paused", label: "Paused" },
  { value: "archived", label: "Archived" },
];

export function BuyersPage() {
  const list = useListParams("name", ["q", "status"]);
  const buyers = useBuyers({
    q: list.filters.q || undefined,
    status: (list.filters.status || undefined) as PartyStatus | undefined,
    limit: list.limit,
    offset: list.offset,
    sort: list.sort,
  });
  const [creating, setCreating] = useState(false);
  const create = useCreateBuyer();
  const navigate = useNavigate();
  const notify = useToast();
  const filtered = Boolean(list.filters.q || list.filters.status);

  return (
    <>
      <PageHeader
        title="Buyers & Targets"
        description="Buyers pay for calls; each has targets, the phone lines or SIP addresses calls ring."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New buyer
          </Button>
        }
      />
      <Card>
        <FilterBar>
          <SearchInput value={list.filters.q ?? ""} onChange={(value) => list.setFilter("q", value)} placeholder="Search buyers" />
          <FilterSelect label="Status" value={list.filters.status ?? ""} onChange={(value) => list.setFilter("status", value)} options={PARTY_STATUS_OPTIONS} />
        </FilterBar>
        <ErrorAlert error={buyers.error} />
        <DataTable
          label="Buyers"
          columns={COLUMNS}
          rows={buyers.data?.items}
          rowKey={(row) => row.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={buyers.isFetching}
          empty={
            filtered ? (
              <EmptyState title="No buyer matches these filters">Clear the search or pick another status.</EmptyState>
            ) : (
              <EmptyState
                title="Add the buyers who take your calls"
                action={
                  <Button variant="primary" onClick={() => setCreating(true)}>
                    New buyer
                  </Button>
                }
              >
                Create a buyer, then give it targets with their phone numbers, schedules and caps, and assign those targets
                to campaigns.
              </EmptyState>
            )
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={buyers.data?.total} onOffset={list.setOffset} />
      </Card>
      <Modal open={creating} onClose={() => setCreating(false)} title="New buyer" wide>
        {creating && (
          <BuyerForm
            submitLabel="Create buyer"
            busy={create.isPending}
            error={create.error}
            onCancel={() => setCreating(false)}
            onSubmit={(body) =>
              create.mutate(body, {
                onSuccess: (buyer) => {
                  setCreating(false);
                  notify("Buyer created");
                  navigate(`/buyers/${buyer.id}`);
                },
              })
            }
          />
        )}
      </Modal>
    </>
  );
}
