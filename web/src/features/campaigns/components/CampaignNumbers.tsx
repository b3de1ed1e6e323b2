import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { Button } from "@/components/Button";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { ErrorAlert, Field, FormErrors, Select } from "@/components/form";
import { Card } from "@/components/PageHeader";
import { useToast } from "@/components/Toast";
import type { PhoneNumber } from "@/features/numbers/api";
import { useNumbers, useUpdateNumber } from "@/features/numbers/hooks";
import { phone, when } from "@/lib/format";
import { useCampaignContext } from "./CampaignPage";

/** The numbers that ring the campaign, directly or through a pool, and assigning a free one. */
export function CampaignNumbers() {
  const campaign = useCampaignContext();
  const [offset, setOffset] = useState(0);
  const numbers = useNumbers({ campaign_id: campaign.id, limit: 25, offset });
  const update = useUpdateNumber();
  const notify = useToast();
  const columns: Column<PhoneNumber>[] = [
    { key: "number", header: "Number", render: (row) => <span className="font-medium">{phone(row.number)}</span> },
    { key: "name", header: "Name", render: (row) => row.friendly_name || "—" },
    {
      key: "via",
      header: "Rings through",
      render: (row) =>
        row.pool_id ? (
          <Link className="text-brand-700 hover:underline" to={`/pools/${row.pool_id}`}>
            its pool
          </Link>
        ) : (
          "directly"
        ),
    },
    { key: "created", header: "Added", render: (row) => when(row.created_at) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "text-right",
      render: (row) =>
        row.pool_id ? null : (
          <Button
            size="sm"
            busy={update.isPending && update.variables?.id === row.id}
            onClick={() => update.mutate({ id: row.id, campaign_id: null }, { onSuccess: () => notify("Number unassigned") })}
          >
            Unassign
          </Button>
        ),
    },
  ];
  return (
    <Card title="Tracking numbers">
      <ErrorAlert error={numbers.error ?? update.error} />
      <DataTable
        label="Campaign numbers"
        columns={columns}
        rows={numbers.data?.items}
        rowKey={(row) => row.id}
        loading={numbers.isFetching}
        empty={
          <EmptyState title="No number rings this campaign yet">
            Callers reach a campaign through its tracking numbers. Assign a free number below, or add one on the{" "}
            <Link to="/numbers" className="text-brand-700 underline">
              Numbers
            </Link>{" "}
            page.
          </EmptyState>
        }
      />
      <Pagination offset={offset} limit={25} total={numbers.data?.total} onOffset={setOffset} />
      <AssignNumber />
    </Card>
  );
}

function AssignNumber() {
  const campaign = useCampaignContext();
  const free = useNumbers({ unassigned: true, limit: 500, sort: "number" });
  const update = useUpdateNumber();
  const notify = useToast();
  const [numberId, setNumberId] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { id: numberId, campaign_id: campaign.id },
      { onSuccess: () => { setNumberId(""); notify("Number assigned"); } },
    );
  }
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-3 border-t border-slate-100 px-4 py-4">
      <FormErrors error={update.error}>
        <Field label="Assign a free number" name="campaign_id" className="min-w-64">
          <Select required value={numberId} onChange={(e) => setNumberId(e.target.value)}>
            <option value="">{free.data?.items.length ? "Choose a number…" : "No free number"}</option>
            {(free.data?.items ?? []).map((row) => (
              <option key={row.id} value={row.id}>
                {phone(row.number)} {row.friendly_name ? `— ${row.friendly_name}` : ""}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary" busy={update.isPending} disabled={!numberId}>
          Assign number
        </Button>
      </FormErrors>
    </form>
  );
}
