import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, SearchInput } from "@/components/FilterBar";
import { ErrorAlert, Field, FormErrors, Select, TextArea, TextInput } from "@/components/form";
import { Modal, ModalActions } from "@/components/Modal";
import { Card, PageHeader } from "@/components/PageHeader";
import { RowSelect } from "@/components/pickers";
import { Loading } from "@/components/Spinner";
import { useToast } from "@/components/Toast";
import { useCampaignOptions } from "@/features/campaigns/hooks";
import { money, when } from "@/lib/format";
import { toggledSort, useListParams } from "@/lib/listParams";
import type { PartyStatus } from "@/features/buyers/api";
import type { Publisher, PublisherCreate } from "../api";
import {
  useArchivePublisher,
  useCreatePublisher,
  useDeletePayout,
  usePayouts,
  usePublisher,
  usePublishers,
  useSetPayout,
  useUpdatePublisher,
} from "../hooks";

const COLUMNS: Column<Publisher>[] = [
  {
    key: "name",
    header: "Publisher",
    sort: "name",
    render: (row) => (
      <Link to={`/publishers/${row.id}`} className="font-medium text-brand-700 hover:underline">
        {row.name}
      </Link>
    ),
  },
  { key: "email", header: "Email", render: (row) => row.email || "—" },
  { key: "status", header: "Status", render: (row) => <StatusBadge status={row.status} /> },
  { key: "subs", header: "Sub ids", render: (row) => row.sub_ids.join(", ") || "—" },
  { key: "created", header: "Created", sort: "created_at", render: (row) => when(row.created_at) },
];

export function PublishersPage() {
  const list = useListParams("name", ["q"]);
  const publishers = usePublishers({ q: list.filters.q || undefined, limit: list.limit, offset: list.offset, sort: list.sort });
  const [creating, setCreating] = useState(false);
  const create = useCreatePublisher();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title="Publishers"
        description="Who sends you calls, and what they earn per converted call."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New publisher
          </Button>
        }
      />
      <Card>
        <FilterBar>
          <SearchInput value={list.filters.q ?? ""} onChange={(value) => list.setFilter("q", value)} placeholder="Search publishers" />
        </FilterBar>
        <ErrorAlert error={publishers.error} />
        <DataTable
          label="Publishers"
          columns={COLUMNS}
          rows={publishers.data?.items}
          rowKey={(row) => row.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={publishers.isFetching}
          empty={
            <EmptyState
              title={list.filters.q ? "No publisher matches this search" : "No publisher yet"}
              action={
                !list.filters.q && (
                  <Button variant="primary" onClick={() => setCreating(true)}>
                    New publisher
                  </Button>
                )
              }
            >
              {!list.filters.q && "Add a publisher, then give it tracking numbers: its calls are credited to it and paid out."}
            </EmptyState>
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={publishers.data?.total} onOffset={list.setOffset} />
      </Card>
      <Modal open={creating} onClose={() => setCreating(false)} title="New publisher">
        {creating && (
          <PublisherForm
            busy={create.isPending}
            error={create.error}
            submitLabel="Create publisher"
            onCancel={() => setCreating(false)}
            onSubmit={(body) => create.mutate(body, { onSuccess: (row) => navigate(`/publishers/${row.id}`) })}
          />
        )}
      </Modal>
    </>
  );
}

function PublisherForm({
  publisher,
  busy,
  error,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  publisher?: Publisher;
  busy: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit: (body: PublisherCreate) => void;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState({
    name: publisher?.name ?? "",
    email: publisher?.email ?? "",
    status: (publisher?.status ?? "active") as PartyStatus,
    sub_ids: publisher?.sub_ids.join(", ") ?? "",
    notes: publisher?.notes ?? "",
  });
  const text = (name: keyof typeof draft) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit({
      name: draft.name,
      email: draft.email.trim() || null,
      status: draft.status,
      sub_ids: draft.sub_ids.split(",").map((s) => s.trim()).filter(Boolean),
      notes: draft.notes,
    });
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-4">
      <FormErrors error={error}>
        <Field label="Name" name="name">
          <TextInput required maxLength={200} {...text("name")} />
        </Field>
        <Field label="Email" name="email">
          <TextInput type="email" {...text("email")} />
        </Field>
        <Field label="Status" name="status">
          <Select {...text("status")}>
            <option value="active">Active</option>
            <option value="paused">Paused</option>
          </Select>
        </Field>
        <Field label="Sub ids" name="sub_ids" hint="Comma-separated identifiers the publisher uses in links">
          <TextInput {...text("sub_ids")} />
        </Field>
        <Field label="Notes" name="notes">
          <TextArea {...text("notes")} />
        </Field>
        <ErrorAlert error={error} shownFields={["name", "email", "status", "sub_ids", "notes"]} />
      </FormErrors>
      <ModalActions>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </ModalActions>
    </form>
  );
}

export function PublisherPage() {
  const { publisherId = "" } = useParams();
  const publisher = usePublisher(publisherId);
  const update = useUpdatePublisher(publisherId);
  const archive = useArchivePublisher(publisherId);
  const notify = useToast();
  const [editing, setEditing] = useState(false);
  if (publisher.isPending) return <Loading what="Loading the publisher" />;
  if (publisher.error) return <ErrorAlert error={publisher.error} />;
  const row = publisher.data;
  return (
    <>
      <PageHeader
        back={{ to: "/publishers", label: "Publishers" }}
        title={
          <span className="flex items-center gap-3">
            {row.name} <StatusBadge status={row.status} />
          </span>
        }
        description={row.email ?? undefined}
        actions={
          <>
            <Button onClick={() => setEditing(true)}>Edit</Button>
            {row.status !== "archived" && (
              <ConfirmButton label="Archive" title={`Archive ${row.name}?`} confirmLabel="Archive publisher" onConfirm={() => archive.mutateAsync()}>
                Calls stop being credited to this publisher. Past calls keep it.
              </ConfirmButton>
            )}
          </>
        }
      />
      <Payouts publisherId={row.id} />
      <Modal open={editing} onClose={() => setEditing(false)} title={`Edit ${row.name}`}>
        {editing && (
          <PublisherForm
            publisher={row}
            busy={update.isPending}
            error={update.error}
            submitLabel="Save publisher"
            onCancel={() => setEditing(false)}
            onSubmit={(body) => update.mutate(body, { onSuccess: () => { setEditing(false); notify("Publisher saved"); } })}
          />
        )}
      </Modal>
    </>
  );
}

/** Per-campaign payouts that replace the campaign's own payout for this publisher's calls. */
function Payouts({ publisherId }: { publisherId: string }) {
  const payouts = usePayouts(publisherId);
  const campaigns = useCampaignOptions();
  const set = useSetPayout(publisherId);
  const remove = useDeletePayout(publisherId);
  const notify = useToast();
  const [campaignId, setCampaignId] = useState("");
  const [payout, setPayout] = useState("");
  const names = new Map((campaigns.data?.items ?? []).map((c) => [c.id, c.name]));
  return (
    <Card title="Payout overrides">
      <ErrorAlert error={payouts.error ?? remove.error} />
      <DataTable
        label="Payout overrides"
        columns={[
          { key: "campaign", header: "Campaign", render: (row) => names.get(row.campaign_id) ?? "—" },
          { key: "payout", header: "Payout per converted call", render: (row) => money(row.payout) },
          {
            key: "remove",
            header: <span className="sr-only">Remove</span>,
            className: "text-right",
            render: (row) => (
              <Button size="sm" onClick={() => remove.mutate(row.campaign_id)}>
                Remove
              </Button>
            ),
          },
        ]}
        rows={payouts.data?.items}
        rowKey={(row) => row.id}
        loading={payouts.isFetching}
        empty={<EmptyState title="No override">This publisher earns each campaign's own payout. Set a different one below.</EmptyState>}
      />
      <form
        className="flex flex-wrap items-end gap-3 border-t border-slate-100 px-4 py-4"
        onSubmit={(event) => {
          event.preventDefault();
          set.mutate({ campaignId, payout }, { onSuccess: () => { setPayout(""); notify("Payout saved"); } });
        }}
      >
        <FormErrors error={set.error}>
          <Field label="Campaign" name="campaign_id" className="min-w-56">
            <RowSelect required none="Choose a campaign…" rows={campaigns.data?.items} value={campaignId} onChange={(e) => setCampaignId(e.target.value)} />
          </Field>
          <Field label="Payout ($)" name="payout">
            <TextInput required inputMode="decimal" value={payout} onChange={(e) => setPayout(e.target.value)} />
          </Field>
          <Button type="submit" variant="primary" busy={set.isPending}>
            Set payout
          </Button>
          <ErrorAlert error={set.error} shownFields={["payout", "campaign_id"]} />
        </FormErrors>
      </form>
    </Card>
  );
}
