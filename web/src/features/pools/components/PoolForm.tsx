import { useState, type FormEvent } from "react";
import { Button } from "@/components/Button";
import { ErrorAlert, Field, FormErrors, Select, TextInput } from "@/components/form";
import { RowSelect } from "@/components/pickers";
import { useCampaignOptions } from "@/features/campaigns/hooks";
import type { OverflowPolicy, Pool, PoolCreate } from "../api";

const SHOWN = ["name", "campaign_id", "lease_seconds", "max_lease_seconds", "overflow_policy", "default_number"];

/** A pool's settings: its campaign, how long a visitor keeps a number, and what happens when it runs out. */
export function PoolForm({
  pool,
  busy,
  error,
  onSubmit,
  onCancel,
  submitLabel,
}: {
  pool?: Pool;
  busy: boolean;
  error: unknown;
  onSubmit: (body: PoolCreate) => void;
  onCancel?: () => void;
  submitLabel: string;
}) {
  const campaigns = useCampaignOptions();
  const [draft, setDraft] = useState({
    name: pool?.name ?? "",
    campaign_id: pool?.campaign_id ?? "",
    lease_seconds: String(pool?.lease_seconds ?? 300),
    max_lease_seconds: String(pool?.max_lease_seconds ?? 1800),
    overflow_policy: pool?.overflow_policy ?? "default_number",
    default_number: pool?.default_number ?? "",
  });
  const text = (name: keyof typeof draft) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit({
      name: draft.name,
      campaign_id: draft.campaign_id || null,
      lease_seconds: Number(draft.lease_seconds),
      max_lease_seconds: Number(draft.max_lease_seconds),
      overflow_policy: draft.overflow_policy as OverflowPolicy,
      default_number: draft.default_number.trim() || null,
    });
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-4">
      <FormErrors error={error}>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" name="name">
            <TextInput required maxLength={200} {...text("name")} />
          </Field>
          <Field label="Campaign" name="campaign_id" hint="Calls to the pool's numbers go here">
            <RowSelect none="No campaign" rows={campaigns.data?.items} {...text("campaign_id")} />
          </Field>
          <Field label="Lease (seconds)" name="lease_seconds" hint="A visitor keeps a number this long, renewed while the page is open">
            <TextInput type="number" min={30} max={86400} required {...text("lease_seconds")} />
          </Field>
          <Field label="Longest lease (seconds)" name="max_lease_seconds" hint="Renewals stop here">
            <TextInput type="number" min={30} max={86400} required {...text("max_lease_seconds")} />
          </Field>
          <Field label="When every number is leased" name="overflow_policy">
            <Select {...text("overflow_policy")}>
              <option value="default_number">Show the default number</option>
              <option value="reuse_oldest">Reuse the oldest lease (flagged ambiguous)</option>
            </Select>
          </Field>
          <Field label="Default number" name="default_number" hint="Shown when the pool is exhausted or tracking fails">
            <TextInput inputMode="tel" placeholder="+14155550123" {...text("default_number")} />
          </Field>
        </div>
        <ErrorAlert error={error} shownFields={SHOWN} />
      </FormErrors>
      <div className="flex justify-end gap-2">
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
