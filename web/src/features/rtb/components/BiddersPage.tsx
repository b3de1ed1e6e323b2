import { Route, Routes } from "react-router";
import { Link } from "react-router";
import { StatusBadge } from "@/components/Badge";
import { ButtonLink } from "@/components/Button";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { FilterBar, SearchInput } from "@/components/FilterBar";
import { ErrorAlert } from "@/components/form";
import { Card, PageHeader } from "@/components/PageHeader";
import { money, when } from "@/lib/format";
import { toggledSort, useListParams } from "@/lib/listParams";
import type { Bidder } from "../api";
import { useBidders } from "../hooks";
import { BidderEditor } from "./BidderEditor";

export function BiddersPage() {
  return (
    <Routes>
      <Route index element={<BidderList />} />
      <Route path="new" element={<BidderEditor />} />
      <Route path=":bidderId" element={<BidderEditor />} />
    </Routes>
  );
}

const COLUMNS: Column<Bidder>[] = [
  {
    key: "name",
    header: "Bidder",
    sort: "name",
    render: (row) => (
      <Link to={`/rtb/${row.id}`} className="font-medium text-brand-700 hover:underline">
        {row.name}
      </Link>
    ),
  },
  { key: "status", header: "Status", render: (row) => <StatusBadge status={row.status} /> },
  { key: "endpoint", header: "Endpoint", wrap: true, render: (row) => <span className="break-all font-mono text-xs">{row.method.toUpperCase()} {row.endpoint_url}</span> },
  { key: "bids", header: "Min / max bid", render: (row) => `${money(row.min_bid)} / ${row.max_bid ? money(row.max_bid) : "none"}` },
  { key: "timeout", header: "Timeout", render: (row) => `${row.timeout_ms} ms` },
  { key: "created", header: "Created", sort: "created_at", render: (row) => when(row.created_at) },
];

function BidderList() {
  const list = useListParams("name", ["q"]);
  const bidders = useBidders({ q: list.filters.q || undefined, limit: list.limit, offset: list.offset, sort: list.sort });
  const add = (
    <ButtonLink to="/rtb/new" variant="primary">
      New bidder
    </ButtonLink>
  );
  return (
    <>
      <PageHeader
        title="RTB Bidders"
        description="Buyers who bid for each call in real time: every bidder of a campaign is pinged in parallel and the best valid bid wins."
        actions={add}
      />
      <Card>
        <FilterBar>
          <SearchInput value={list.filters.q ?? ""} onChange={(value) => list.setFilter("q", value)} placeholder="Search bidders" />
        </FilterBar>
        <ErrorAlert error={bidders.error} />
        <DataTable
          label="Bidders"
          columns={COLUMNS}
          rows={bidders.data?.items}
          rowKey={(row) => row.id}
          sort={list.sort}
          onSort={(field) => list.setSort(toggledSort(list.sort, field))}
          loading={bidders.isFetching}
          empty={
            <EmptyState title={list.filters.q ? "No bidder matches this search" : "No bidder yet"} action={!list.filters.q && add}>
              {!list.filters.q &&
                "Add a bidder with its ping URL, request template and where its answer holds the bid, test it, then attach it to a campaign with real-time bidding on."}
            </EmptyState>
          }
        />
        <Pagination offset={list.offset} limit={list.limit} total={bidders.data?.total} onOffset={list.setOffset} />
      </Card>
    </>
  );
}
