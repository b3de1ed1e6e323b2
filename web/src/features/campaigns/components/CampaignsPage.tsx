import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, FilterSelect, SearchInput } from "@/components/FilterBar";
import { ErrorAlert, Field, FormErrors, Select, TextInput } from "@/components/form";
import { Modal, ModalActions } from "@/components/Modal";
import { Card, PageHeader } from "@/components/PageHeader";
import { cap, label, money, when } from "@/lib/format";
import { toggledSort, useListParams } from "@/lib/listParams";
import type { Campaign, CampaignStatus } from "../api";
import { useCampaigns, useCreateCampaign } from "../hooks";

const COLUMNS: Column<Campaign>[] = [
  {
    key: "name",
    header: "Name",
    sort: "name",
    render: (row) => (
      <Link to={`/campaigns/${row.id}`} className="font-medium text-brand-700 hover:underline">
        {row.name}
      </Link>
    ),
  },
  { key: "status", header: "Status", sort: "status", render: (row) => <StatusBadge status={row.status} /> },
  { key: "routing", header: "Routing", render: (row) => label(row.routing_strategy) + (row.rtb_enabled ? " + RTB" : "") },
  { key: "caps", header: "Concurrency / day", render: (row) => `${cap(row.concurrency_cap)} / ${cap(row.daily_cap)}` },
  { key: "payout", header: "Payout", render: (row) => money(row.payout), className: "text-right" },
  { key: "created", header: "Created", sort: "created_at", render: (row) => when(row.created_at) },
];

const STATUS_OPTIONS = [
  { value: "", label: "Any but archived" },
  { value: "draft", label: "Draft" },
  { value: "active", label: "Active" },
  { value: "paused", label: "Paused" },
  { value: "archived", label: "Archived" },
];

export function CampaignsPage() {
  const list = useListParams("name", ["q", "status"]);
  const campaigns = useCampaigns({
    q: list.filters.q || undefined,
    status: (list.filters.status || undefined) as CampaignStatus | undefined,
    limit: list.limit,
    offset: list.offset,
    sort: list.sort,
  });
  const [creating, setCreating] = useState(false);
  const filtered = Boolean(list.filters.q || list.filters.status);

  return (
    <>
      <PageHeader
        title="Campaigns"
        description="What each tracking number leads to, and how its calls are routed and paid."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New campaign
          </Button>
        }
      />
      <Card>
        <FilterBar>
          <SearchInput value={list.filters.q ?? ""} onChange={(value) => list.setFilter("q", value)} placeholder="Search campaigns" />
          <FilterSelect label="Status" value={list.filters.status ?? ""} onChange={(value) => list.setFilter("status", value)} options={STATUS_OPTIONS} />
        </FilterBar>
        <ErrorAlert error={campaigns.error} />
        <DataTable
          label="Campaigns"
          columns={COLUMNS}
          rows={campaigns.data?.items}
          rowKey={(row) => row.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={campaigns.isFetching}
          empty={
            filtered ? (
              <EmptyState title="No campaign matches these filters">Clear the search or pick another status.</EmptyState>
            ) : (
              <EmptyState
                title="Create your first campaign"
                action={
                  <Button variant="primary" onClick={() => setCreating(true)}>
                    New campaign
                  </Button>
                }
              >
                A campaign takes the calls of its tracking numbers and routes them to your buyers' targets. Create one,
                then assign targets and a number.
              </EmptyState>
            )
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={campaigns.data?.total} onOffset={list.setOffset} />
      </Card>
      <NewCampaignModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function NewCampaignModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateCampaign();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [status, setStatus] = useState<CampaignStatus>("draft");

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name, status },
      {
        onSuccess: (campaign) => {
          setName("");
          onClose();
          navigate(`/campaigns/${campaign.id}`);
        },
      },
    );
  }

  return (
    <Modal open={open} onClose={onClose} title="New campaign">
      <form onSubmit={submit} className="flex flex-col gap-4">
        <FormErrors error={create.error}>
          <Field label="Name" name="name">
            <TextInput required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
          </Field>
          <Field label="Starts as" name="status" hint="A draft takes no calls until you activate it.">
            <Select value={status} onChange={(e) => setStatus(e.target.value as CampaignStatus)}>
              <option value="draft">Draft</option>
              <option value="active">Active</option>
            </Select>
          </Field>
          <ErrorAlert error={create.error} shownFields={["name", "status"]} />
        </FormErrors>
        <ModalActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create campaign
          </Button>
        </ModalActions>
      </form>
    </Modal>
  );
}
