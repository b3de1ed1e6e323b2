import { useMemo, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, FilterSelect, SearchInput } from "@/components/FilterBar";
import { ErrorAlert, Field, FormErrors, TextInput } from "@/components/form";
import { Modal, ModalActions } from "@/components/Modal";
import { Card, PageHeader } from "@/components/PageHeader";
import { RowSelect } from "@/components/pickers";
import { useToast } from "@/components/Toast";
import { useCampaignOptions } from "@/features/campaigns/hooks";
import { usePoolOptions } from "@/features/pools/hooks";
import { usePublisherOptions } from "@/features/publishers/hooks";
import { phone, when } from "@/lib/format";
import { toggledSort, useListParams } from "@/lib/listParams";
import type { NumberCreate, PhoneNumber } from "../api";
import { useCreateNumber, useDeleteNumber, useNumbers, useUpdateNumber } from "../hooks";

function useNames() {
  const campaigns = useCampaignOptions();
  const pools = usePoolOptions();
  const publishers = usePublisherOptions();
  return useMemo(
    () => ({
      campaigns: campaigns.data?.items,
      pools: pools.data?.items,
      publishers: publishers.data?.items,
      campaign: new Map((campaigns.data?.items ?? []).map((row) => [row.id, row.name])),
      pool: new Map((pools.data?.items ?? []).map((row) => [row.id, row.name])),
      publisher: new Map((publishers.data?.items ?? []).map((row) => [row.id, row.name])),
    }),
    [campaigns.data, pools.data, publishers.data],
  );
}

export function NumbersPage() {
  const list = useListParams("number", ["q", "campaign_id", "pool_id", "unassigned"]);
  const numbers = useNumbers({
    q: list.filters.q || undefined,
    campaign_id: list.filters.campaign_id || undefined,
    pool_id: list.filters.pool_id || undefined,
    unassigned: list.filters.unassigned ? list.filters.unassigned === "true" : undefined,
    limit: list.limit,
    offset: list.offset,
    sort: list.sort,
  });
  const names = useNames();
  const [editing, setEditing] = useState<PhoneNumber | "new" | null>(null);
  const remove = useDeleteNumber();
  const notify = useToast();
  const filtered = Object.values(list.filters).some(Boolean);

  const columns: Column<PhoneNumber>[] = [
    { key: "number", header: "Number", sort: "number", render: (row) => <span className="font-medium">{phone(row.number)}</span> },
    { key: "name", header: "Name", render: (row) => row.friendly_name || "—" },
    {
      key: "routes",
      header: "Rings",
      render: (row) =>
        row.campaign_id ? (
          <Link to={`/campaigns/${row.campaign_id}`} className="text-brand-700 hover:underline">
            {names.campaign.get(row.campaign_id) ?? "Campaign"}
          </Link>
        ) : row.pool_id ? (
          <Link to={`/pools/${row.pool_id}`} className="text-brand-700 hover:underline">
            Pool: {names.pool.get(row.pool_id) ?? "pool"}
          </Link>
        ) : (
          <span className="text-amber-700">Nothing yet</span>
        ),
    },
    { key: "publisher", header: "Publisher", render: (row) => (row.publisher_id ? names.publisher.get(row.publisher_id) ?? "—" : "—") },
    { key: "created", header: "Added", sort: "created_at", render: (row) => when(row.created_at) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "text-right",
      render: (row) => (
        <span className="flex justify-end gap-2">
          <Button size="sm" onClick={() => setEditing(row)}>
            Edit
          </Button>
          <ConfirmButton
            size="sm"
            label="Delete"
            title={`Delete ${phone(row.number)}?`}
            confirmLabel="Delete number"
            onConfirm={() => remove.mutateAsync(row.id).then(() => notify("Number deleted"))}
          >
            The number stops routing calls. A number that has taken calls cannot be deleted: unassign it instead.
          </ConfirmButton>
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Numbers"
        description="Tracking numbers: each rings a campaign directly or through a number pool."
        actions={
          <Button variant="primary" onClick={() => setEditing("new")}>
            Add number
          </Button>
        }
      />
      <Card>
        <FilterBar>
          <SearchInput value={list.filters.q ?? ""} onChange={(value) => list.setFilter("q", value)} placeholder="Search numbers" />
          <FilterSelect
            label="Campaign"
            value={list.filters.campaign_id ?? ""}
            onChange={(value) => list.setFilter("campaign_id", value)}
            options={[{ value: "", label: "Any campaign" }, ...(names.campaigns ?? []).map((c) => ({ value: c.id, label: c.name }))]}
          />
          <FilterSelect
            label="Pool"
            value={list.filters.pool_id ?? ""}
            onChange={(value) => list.setFilter("pool_id", value)}
            options={[{ value: "", label: "Any pool" }, ...(names.pools ?? []).map((p) => ({ value: p.id, label: p.name }))]}
          />
          <FilterSelect
            label="Assignment"
            value={list.filters.unassigned ?? ""}
            onChange={(value) => list.setFilter("unassigned", value)}
            options={[
              { value: "", label: "All numbers" },
              { value: "true", label: "Unassigned" },
              { value: "false", label: "Assigned" },
            ]}
          />
        </FilterBar>
        <ErrorAlert error={numbers.error} />
        <DataTable
          label="Numbers"
          columns={columns}
          rows={numbers.data?.items}
          rowKey={(row) => row.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={numbers.isFetching}
          empty={
            filtered ? (
              <EmptyState title="No number matches these filters">Clear the filters to see every number.</EmptyState>
            ) : (
              <EmptyState
                title="Add your first tracking number"
                action={
                  <Button variant="primary" onClick={() => setEditing("new")}>
                    Add number
                  </Button>
                }
              >
                Add the numbers you bought from Twilio, point their voice webhook at this server, and assign each to a
                campaign or a pool.
              </EmptyState>
            )
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={numbers.data?.total} onOffset={list.setOffset} />
      </Card>
      <Modal open={editing !== null} onClose={() => setEditing(null)} title={editing === "new" ? "Add number" : "Edit number"}>
        {editing !== null && (
          <NumberForm number={editing === "new" ? undefined : editing} names={names} onDone={() => setEditing(null)} />
        )}
      </Modal>
    </>
  );
}

function NumberForm({
  number,
  names,
  onDone,
}: {
  number?: PhoneNumber;
  names: ReturnType<typeof useNames>;
  onDone: () => void;
}) {
  const create = useCreateNumber();
  const update = useUpdateNumber();
  const mutation = number ? update : create;
  const notify = useToast();
  const [draft, setDraft] = useState({
    number: number?.number ?? "",
    friendly_name: number?.friendly_name ?? "",
    provider_sid: number?.provider_sid ?? "",
    campaign_id: number?.campaign_id ?? "",
    pool_id: number?.pool_id ?? "",
    publisher_id: number?.publisher_id ?? "",
  });
  const text = (name: keyof typeof draft) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: NumberCreate = {
      number: draft.number,
      friendly_name: draft.friendly_name,
      provider_sid: draft.provider_sid.trim() || null,
      campaign_id: draft.campaign_id || null,
      pool_id: draft.pool_id || null,
      publisher_id: draft.publisher_id || null,
    };
    const done = () => {
      notify(number ? "Number saved" : "Number added");
      onDone();
    };
    if (number) update.mutate({ id: number.id, ...body }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4">
      <FormErrors error={mutation.error}>
        <Field label="Phone number" name="number" hint="E.164 (+14155550123) or US format (415) 555-0123">
          <TextInput required inputMode="tel" {...text("number")} autoFocus />
        </Field>
        <Field label="Friendly name" name="friendly_name">
          <TextInput maxLength={200} {...text("friendly_name")} />
        </Field>
        <Field label="Campaign" name="campaign_id" hint="Calls to the number go to this campaign">
          <RowSelect none="No campaign" rows={names.campaigns} {...text("campaign_id")} disabled={Boolean(draft.pool_id)} />
        </Field>
        <Field label="Pool" name="pool_id" hint="Or let a pool (and its campaign) take its calls">
          <RowSelect none="No pool" rows={names.pools} {...text("pool_id")} disabled={Boolean(draft.campaign_id)} />
        </Field>
        <Field label="Publisher" name="publisher_id" hint="Credited with the number's calls">
          <RowSelect none="No publisher" rows={names.publishers} {...text("publisher_id")} />
        </Field>
        <Field label="Twilio number SID" name="provider_sid">
          <TextInput maxLength={64} placeholder="PN…" {...text("provider_sid")} />
        </Field>
        <ErrorAlert error={mutation.error} shownFields={Object.keys(draft)} />
      </FormErrors>
      <ModalActions>
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" busy={mutation.isPending}>
          {number ? "Save number" : "Add number"}
        </Button>
      </ModalActions>
    </form>
  );
}
