import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { DataTable } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { ErrorAlert, Field, FormErrors, Select, TextInput } from "@/components/form";
import { Card } from "@/components/PageHeader";
import { useToast } from "@/components/Toast";
import { useAssignBidder, useBidders, useCampaignBidders, useUnassignBidder } from "@/features/rtb/hooks";
import { money } from "@/lib/format";
import { useCampaignContext } from "./CampaignPage";

/** The bidders pinged for this campaign's calls, each with an optional floor of the campaign's own. */
export function CampaignBidders() {
  const campaign = useCampaignContext();
  const assigned = useCampaignBidders(campaign.id);
  const bidders = useBidders({ limit: 500, sort: "name" });
  const assign = useAssignBidder(campaign.id);
  const unassign = useUnassignBidder(campaign.id);
  const notify = useToast();
  const [bidderId, setBidderId] = useState("");
  const [minBid, setMinBid] = useState("");
  const taken = new Set((assigned.data?.items ?? []).map((row) => row.bidder_id));
  const choices = (bidders.data?.items ?? []).filter((row) => !taken.has(row.id));

  function submit(event: FormEvent) {
    event.preventDefault();
    assign.mutate(
      { bidder_id: bidderId, min_bid: minBid.trim() || null },
      { onSuccess: () => { setBidderId(""); setMinBid(""); notify("Bidder attached"); } },
    );
  }

  return (
    <Card
      title="RTB bidders"
      actions={
        <span className={`text-xs ${campaign.rtb_enabled ? "text-emerald-700" : "text-amber-700"}`}>
          {campaign.rtb_enabled ? "Real-time bidding is on" : "Real-time bidding is off: bidders are not pinged"}
        </span>
      }
    >
      <ErrorAlert error={assigned.error ?? unassign.error} />
      <DataTable
        label="Campaign bidders"
        columns={[
          {
            key: "name",
            header: "Bidder",
            render: (row) => (
              <Link to={`/rtb/${row.bidder_id}`} className="font-medium text-brand-700 hover:underline">
                {row.name}
              </Link>
            ),
          },
          { key: "status", header: "Status", render: (row) => <StatusBadge status={row.status} /> },
          { key: "floor", header: "Floor", render: (row) => (row.min_bid === null ? "Bidder's own" : money(row.min_bid)) },
          { key: "effective", header: "Effective minimum", render: (row) => money(row.effective_min_bid) },
          {
            key: "remove",
            header: <span className="sr-only">Remove</span>,
            className: "text-right",
            render: (row) => (
              <ConfirmButton size="sm" label="Detach" title={`Detach ${row.name}?`} confirmLabel="Detach" onConfirm={() => unassign.mutateAsync(row.bidder_id)}>
                The bidder is no longer pinged for this campaign's calls.
              </ConfirmButton>
            ),
          },
        ]}
        rows={assigned.data?.items}
        rowKey={(row) => row.id}
        loading={assigned.isFetching && !assigned.data}
        empty={
          <EmptyState title="No bidder attached">
            Attach bidders from{" "}
            <Link to="/rtb" className="text-brand-700 underline">
              RTB Bidders
            </Link>{" "}
            and switch real-time bidding on: their valid bids then rank before the static targets.
          </EmptyState>
        }
      />
      <form onSubmit={submit} className="grid items-end gap-3 border-t border-slate-100 px-4 py-4 sm:grid-cols-[1fr_9rem_auto]">
        <FormErrors error={assign.error}>
          <Field label="Attach a bidder" name="bidder_id">
            <Select required value={bidderId} onChange={(e) => setBidderId(e.target.value)}>
              <option value="">{choices.length ? "Choose a bidder…" : "No other bidder"}</option>
              {choices.map((row) => (
                <option key={row.id} value={row.id}>
                  {row.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Floor ($)" name="min_bid">
            <TextInput inputMode="decimal" placeholder="Bidder's own" value={minBid} onChange={(e) => setMinBid(e.target.value)} />
          </Field>
          <Button type="submit" variant="primary" busy={assign.isPending} disabled={!bidderId}>
            Attach
          </Button>
          <div className="sm:col-span-3">
            <ErrorAlert error={assign.error} shownFields={["bidder_id", "min_bid"]} />
          </div>
        </FormErrors>
      </form>
    </Card>
  );
}
