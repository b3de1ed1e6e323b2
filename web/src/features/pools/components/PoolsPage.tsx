import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router";
import { Button } from "@/components/Button";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, SearchInput } from "@/components/FilterBar";
import { ErrorAlert } from "@/components/form";
import { Modal } from "@/components/Modal";
import { Card, PageHeader } from "@/components/PageHeader";
import { useToast } from "@/components/Toast";
import { useCampaignOptions } from "@/features/campaigns/hooks";
import { label, phone, when } from "@/lib/format";
import { toggledSort, useListParams } from "@/lib/listParams";
import type { Pool } from "../api";
import { useCreatePool, usePools } from "../hooks";
import { PoolForm } from "./PoolForm";

export function PoolsPage() {
  const list = useListParams("name", ["q"]);
  const pools = usePools({ q: list.filters.q || undefined, limit: list.limit, offset: list.offset, sort: list.sort });
  const campaigns = useCampaignOptions();
  const campaignName = useMemo(() => new Map((campaigns.data?.items ?? []).map((c) => [c.id, c.name])), [campaigns.data]);
  const [creating, setCreating] = useState(false);
  const create = useCreatePool();
  const navigate = useNavigate();
  const notify = useToast();

  const columns: Column<Pool>[] = [
    {
      key: "name",
      header: "Pool",
      sort: "name",
      render: (row) => (
        <Link to={`/pools/${row.id}`} className="font-medium text-brand-700 hover:underline">
          {row.name}
        </Link>
      ),
    },
    { key: "campaign", header: "Campaign", render: (row) => (row.campaign_id ? campaignName.get(row.campaign_id) ?? "—" : "—") },
    { key: "lease", header: "Lease / longest", render: (row) => `${row.lease_seconds}s / ${row.max_lease_seconds}s` },
    { key: "overflow", header: "When exhausted", render: (row) => label(row.overflow_policy) },
    { key: "default", header: "Default number", render: (row) => phone(row.default_number) },
    { key: "created", header: "Created", sort: "created_at", render: (row) => when(row.created_at) },
  ];

  return (
    <>
      <PageHeader
        title="Number Pools"
        description="Pools lend one number per website visitor, so each call is tied to its visit, ad click and UTMs."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New pool
          </Button>
        }
      />
      <Card>
        <FilterBar>
          <SearchInput value={list.filters.q ?? ""} onChange={(value) => list.setFilter("q", value)} placeholder="Search pools" />
        </FilterBar>
        <ErrorAlert error={pools.error} />
        <DataTable
          label="Number pools"
          columns={columns}
          rows={pools.data?.items}
          rowKey={(row) => row.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={pools.isFetching}
          empty={
            list.filters.q ? (
              <EmptyState title="No pool matches this search" />
            ) : (
              <EmptyState
                title="No number pool yet"
                action={
                  <Button variant="primary" onClick={() => setCreating(true)}>
                    New pool
                  </Button>
                }
              >
                Create a pool for a campaign, add numbers to it, then show its numbers on your landing pages with a tracking
                tag.
              </EmptyState>
            )
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={pools.data?.total} onOffset={list.setOffset} />
      </Card>
      <Modal open={creating} onClose={() => setCreating(false)} title="New pool" wide>
        {creating && (
          <PoolForm
            submitLabel="Create pool"
            busy={create.isPending}
            error={create.error}
            onCancel={() => setCreating(false)}
            onSubmit={(body) =>
              create.mutate(body, {
                onSuccess: (pool) => {
                  setCreating(false);
                  notify("Pool created");
                  navigate(`/pools/${pool.id}`);
                },
              })
            }
          />
        )}
      </Modal>
    </>
  );
}
