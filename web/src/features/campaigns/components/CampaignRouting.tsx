import { useMemo, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { DataTable, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { ErrorAlert, Field, FormErrors, intText, optionalInt, Select, TextInput, Toggle } from "@/components/form";
import { Card } from "@/components/PageHeader";
import { useToast } from "@/components/Toast";
import { useBuyerOptions, useTargetOptions } from "@/features/buyers/hooks";
import { phone } from "@/lib/format";
import { STRATEGIES, type Assignment, type RoutingStrategy } from "../api";
import { useAssignTarget, useAssignments, useUnassignTarget, useUpdateAssignment, useUpdateCampaign } from "../hooks";
import { CampaignBidders } from "./CampaignBidders";
import { useCampaignContext } from "./CampaignPage";

export function CampaignRouting() {
  return (
    <div className="grid gap-5">
      <StrategyCard />
      <AssignmentsCard />
      <CampaignBidders />
    </div>
  );
}

function StrategyCard() {
  const campaign = useCampaignContext();
  const update = useUpdateCampaign(campaign.id);
  const notify = useToast();
  const [strategy, setStrategy] = useState<RoutingStrategy>(campaign.routing_strategy);
  const [rtb, setRtb] = useState(campaign.rtb_enabled);
  const [timeout, setTimeoutMs] = useState(String(campaign.auction_timeout_ms));

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { routing_strategy: strategy, rtb_enabled: rtb, auction_timeout_ms: Number(timeout) },
      { onSuccess: () => notify("Routing saved") },
    );
  }

  return (
    <Card title="Routing strategy">
      <form onSubmit={submit} className="grid gap-4 p-5 md:grid-cols-3">
        <FormErrors error={update.error}>
          <Field label="Strategy" name="routing_strategy" hint={STRATEGIES.find((s) => s.value === strategy)?.hint}>
            <Select value={strategy} onChange={(e) => setStrategy(e.target.value as RoutingStrategy)}>
              {STRATEGIES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex flex-col justify-center">
            <Toggle
              name="rtb_enabled"
              label="Real-time bidding"
              hint="Ping the campaign's bidders; valid bids rank before static targets."
              checked={rtb}
              onChange={setRtb}
            />
          </div>
          <Field label="Auction timeout (ms)" name="auction_timeout_ms" hint="The auction ends then, whatever the bidders do.">
            <TextInput type="number" min={50} max={10000} required value={timeout} onChange={(e) => setTimeoutMs(e.target.value)} />
          </Field>
          <div className="md:col-span-3">
            <ErrorAlert error={update.error} shownFields={["routing_strategy", "rtb_enabled", "auction_timeout_ms"]} />
          </div>
        </FormErrors>
        <div className="flex justify-end md:col-span-3">
          <Button type="submit" variant="primary" busy={update.isPending}>
            Save routing
          </Button>
        </div>
      </form>
    </Card>
  );
}

function AssignmentsCard() {
  const campaign = useCampaignContext();
  const assignments = useAssignments(campaign.id);
  const rows = assignments.data?.items;
  const buyers = useBuyerOptions();
  const buyerName = useMemo(() => new Map((buyers.data?.items ?? []).map((b) => [b.id, b.name])), [buyers.data]);

  const columns: Column<Assignment>[] = [
    {
      key: "target",
      header: "Target",
      render: (row) => (
        <Link to={`/targets/${row.target_id}`} className="font-medium text-brand-700 hover:underline">
          {row.name}
        </Link>
      ),
    },
    { key: "buyer", header: "Buyer", render: (row) => buyerName.get(row.buyer_id) ?? "—" },
    { key: "destination", header: "Destination", render: (row) => phone(row.destination) },
    { key: "status", header: "Status", render: (row) => <StatusBadge status={row.status} /> },
    { key: "priority", header: "Priority / weight", render: (row) => <OverrideEditor row={row} /> },
    {
      key: "remove",
      header: <span className="sr-only">Remove</span>,
      className: "text-right",
      render: (row) => <UnassignButton row={row} />,
    },
  ];

  return (
    <Card title="Targets" actions={<span className="text-xs text-slate-500">Overrides apply to this campaign only</span>}>
      <ErrorAlert error={assignments.error} />
      <DataTable
        label="Assigned targets"
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        loading={assignments.isFetching && !rows}
        empty={
          <EmptyState title="No target takes this campaign's calls yet">
            Assign a target below. Targets belong to buyers: create one under{" "}
            <Link to="/buyers" className="text-brand-700 underline">
              Buyers &amp; Targets
            </Link>{" "}
            first if the list is empty.
          </EmptyState>
        }
      />
      <AssignForm assigned={new Set((rows ?? []).map((row) => row.target_id))} />
    </Card>
  );
}

function OverrideEditor({ row }: { row: Assignment }) {
  const campaign = useCampaignContext();
  const update = useUpdateAssignment(campaign.id);
  const notify = useToast();
  const [priority, setPriority] = useState(intText(row.priority));
  const [weight, setWeight] = useState(intText(row.weight));
  const changed = priority !== intText(row.priority) || weight !== intText(row.weight);
  return (
    <FormErrors error={update.error}>
      <div className="flex items-start gap-2">
        <Field label={<span className="sr-only">Priority override for {row.name}</span>} name="priority">
          <TextInput
            type="number"
            min={1}
            max={10}
            className="w-20"
            placeholder={`${row.effective_priority}`}
            title="Priority (1 rings first); empty uses the target's own"
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
          />
        </Field>
        <Field label={<span className="sr-only">Weight override for {row.name}</span>} name="weight">
          <TextInput
            type="number"
            min={1}
            max={100}
            className="w-20"
            placeholder={`w ${row.effective_weight}`}
            title="Weight inside the priority tier; empty uses the target's own"
            value={weight}
            onChange={(e) => setWeight(e.target.value)}
          />
        </Field>
        {changed && (
          <Button
            size="sm"
            variant="primary"
            busy={update.isPending}
            onClick={() =>
              update.mutate(
                { targetId: row.target_id, priority: optionalInt(priority), weight: optionalInt(weight) },
                { onSuccess: () => notify("Override saved") },
              )
            }
          >
            Save
          </Button>
        )}
      </div>
    </FormErrors>
  );
}

function UnassignButton({ row }: { row: Assignment }) {
  const campaign = useCampaignContext();
  const unassign = useUnassignTarget(campaign.id);
  return (
    <ConfirmButton
      size="sm"
      label="Remove"
      title={`Remove ${row.name}?`}
      confirmLabel="Remove target"
      onConfirm={() => unassign.mutateAsync(row.target_id)}
    >
      The target stops receiving this campaign's calls. The target itself is kept.
    </ConfirmButton>
  );
}

function AssignForm({ assigned }: { assigned: Set<string> }) {
  const campaign = useCampaignContext();
  const targets = useTargetOptions();
  const assign = useAssignTarget(campaign.id);
  const notify = useToast();
  const [targetId, setTargetId] = useState("");
  const [priority, setPriority] = useState("");
  const [weight, setWeight] = useState("");
  const choices = (targets.data?.items ?? []).filter((target) => !assigned.has(target.id));

  function submit(event: FormEvent) {
    event.preventDefault();
    assign.mutate(
      { target_id: targetId, priority: optionalInt(priority), weight: optionalInt(weight) },
      {
        onSuccess: () => {
          setTargetId("");
          setPriority("");
          setWeight("");
          notify("Target assigned");
        },
      },
    );
  }

  return (
    <form onSubmit={submit} className="grid items-end gap-3 border-t border-slate-100 px-4 py-4 sm:grid-cols-[1fr_7rem_7rem_auto]">
      <FormErrors error={assign.error}>
        <Field label="Assign a target" name="target_id">
          <Select required value={targetId} onChange={(e) => setTargetId(e.target.value)}>
            <option value="">{choices.length ? "Choose a target…" : "No other target to assign"}</option>
            {choices.map((target) => (
              <option key={target.id} value={target.id}>
                {target.name} ({phone(target.destination)})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Priority" name="priority">
          <TextInput type="number" min={1} max={10} placeholder="Own" value={priority} onChange={(e) => setPriority(e.target.value)} />
        </Field>
        <Field label="Weight" name="weight">
          <TextInput type="number" min={1} max={100} placeholder="Own" value={weight} onChange={(e) => setWeight(e.target.value)} />
        </Field>
        <Button type="submit" variant="primary" busy={assign.isPending} disabled={!targetId}>
          Assign
        </Button>
        <div className="sm:col-span-4">
          <ErrorAlert error={assign.error} shownFields={["target_id", "priority", "weight"]} />
        </div>
      </FormErrors>
    </form>
  );
}
