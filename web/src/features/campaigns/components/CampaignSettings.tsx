import { useState, type FormEvent } from "react";
import { Button } from "@/components/Button";
import {
  ErrorAlert,
  Field,
  FormErrors,
  FormSection,
  intText,
  optionalInt,
  Select,
  TextArea,
  TextInput,
  Toggle,
} from "@/components/form";
import { Card } from "@/components/PageHeader";
import { StatesInput, TimezoneSelect } from "@/components/pickers";
import { useToast } from "@/components/Toast";
import type { Campaign, CampaignUpdate, DuplicateAction } from "../api";
import { useFlowOptions, useUpdateCampaign } from "../hooks";
import { useCampaignContext } from "./CampaignPage";

interface Draft {
  name: string;
  description: string;
  timezone: string;
  concurrency_cap: string;
  hourly_cap: string;
  daily_cap: string;
  monthly_cap: string;
  allowed_states: string[];
  dedupe_seconds: string;
  duplicate_action: DuplicateAction;
  record_calls: boolean;
  dial_timeout_seconds: string;
  max_attempts: string;
  conversion_seconds: string;
  payout: string;
  fallback_number: string;
  closed_message: string;
  flow_id: string;
}

function draftOf(campaign: Campaign): Draft {
  return {
    name: campaign.name,
    description: campaign.description,
    timezone: campaign.timezone,
    concurrency_cap: intText(campaign.concurrency_cap),
    hourly_cap: intText(campaign.hourly_cap),
    daily_cap: intText(campaign.daily_cap),
    monthly_cap: intText(campaign.monthly_cap),
    allowed_states: campaign.allowed_states,
    dedupe_seconds: String(campaign.dedupe_seconds),
    duplicate_action: campaign.duplicate_action,
    record_calls: campaign.record_calls,
    dial_timeout_seconds: String(campaign.dial_timeout_seconds),
    max_attempts: String(campaign.max_attempts),
    conversion_seconds: String(campaign.conversion_seconds),
    payout: String(Number(campaign.payout)),
    fallback_number: campaign.fallback_number ?? "",
    closed_message: campaign.closed_message ?? "",
    flow_id: campaign.flow_id ?? "",
  };
}

function bodyOf(draft: Draft): CampaignUpdate {
  return {
    name: draft.name,
    description: draft.description,
    timezone: draft.timezone,
    concurrency_cap: optionalInt(draft.concurrency_cap),
    hourly_cap: optionalInt(draft.hourly_cap),
    daily_cap: optionalInt(draft.daily_cap),
    monthly_cap: optionalInt(draft.monthly_cap),
    allowed_states: draft.allowed_states,
    dedupe_seconds: Number(draft.dedupe_seconds),
    duplicate_action: draft.duplicate_action,
    record_calls: draft.record_calls,
    dial_timeout_seconds: Number(draft.dial_timeout_seconds),
    max_attempts: Number(draft.max_attempts),
    conversion_seconds: Number(draft.conversion_seconds),
    payout: draft.payout === "" ? "0" : draft.payout,
    fallback_number: draft.fallback_number.trim() || null,
    closed_message: draft.closed_message.trim() || null,
    flow_id: draft.flow_id || null,
  };
}

const SHOWN = [
  "name", "description", "timezone", "concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap", "allowed_states",
  "dedupe_seconds", "duplicate_action", "record_calls", "dial_timeout_seconds", "max_attempts", "conversion_seconds",
  "payout", "fallback_number", "closed_message", "flow_id",
];

export function CampaignSettings() {
  const campaign = useCampaignContext();
  const update = useUpdateCampaign(campaign.id);
  const flows = useFlowOptions();
  const notify = useToast();
  const [draft, setDraft] = useState(() => draftOf(campaign));
  const set = <K extends keyof Draft>(name: K, value: Draft[K]) => setDraft((d) => ({ ...d, [name]: value }));
  const text = (name: keyof Draft) => ({
    value: draft[name] as string,
    onChange: (event: { target: { value: string } }) => set(name, event.target.value as never),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(bodyOf(draft), { onSuccess: (saved) => { setDraft(draftOf(saved)); notify("Campaign saved"); } });
  }

  return (
    <Card>
      <form onSubmit={submit} className="p-5">
        <FormErrors error={update.error}>
          <FormSection title="General" description="How the campaign is named and which clock its caps and reports follow.">
            <Field label="Name" name="name">
              <TextInput required maxLength={200} {...text("name")} />
            </Field>
            <Field label="Time zone" name="timezone">
              <TimezoneSelect {...text("timezone")} />
            </Field>
            <Field label="Call flow" name="flow_id" hint="An IVR flow runs first; without one, calls go straight to routing.">
              <Select {...text("flow_id")}>
                <option value="">No call flow: route directly</option>
                {(flows.data?.items ?? []).map((flow) => (
                  <option key={flow.id} value={flow.id} disabled={flow.published_version === null}>
                    {flow.name}
                    {flow.published_version === null ? " (not published)" : ` (v${flow.published_version})`}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Description" name="description" className="sm:col-span-2">
              <TextArea maxLength={2000} {...text("description")} />
            </Field>
          </FormSection>
          <FormSection title="Payout and conversion" description="What a publisher earns for a converted call, and what converts it.">
            <Field label="Payout per converted call ($)" name="payout">
              <TextInput inputMode="decimal" {...text("payout")} />
            </Field>
            <Field label="Converts after (seconds connected)" name="conversion_seconds">
              <TextInput type="number" min={0} max={7200} required {...text("conversion_seconds")} />
            </Field>
          </FormSection>
          <FormSection title="Caps" description="Leave empty for no limit. Hourly, daily and monthly caps count connected calls in the campaign's time zone.">
            <Field label="Concurrent calls" name="concurrency_cap">
              <TextInput type="number" min={0} placeholder="Unlimited" {...text("concurrency_cap")} />
            </Field>
            <Field label="Per hour" name="hourly_cap">
              <TextInput type="number" min={0} placeholder="Unlimited" {...text("hourly_cap")} />
            </Field>
            <Field label="Per day" name="daily_cap">
              <TextInput type="number" min={0} placeholder="Unlimited" {...text("daily_cap")} />
            </Field>
            <Field label="Per month" name="monthly_cap">
              <TextInput type="number" min={0} placeholder="Unlimited" {...text("monthly_cap")} />
            </Field>
          </FormSection>
          <FormSection title="Callers" description="Who may call, and what happens when the same caller calls again.">
            <Field label="Allowed states" name="allowed_states" hint="US state codes, e.g. CA, NY. Empty allows all.">
              <StatesInput value={draft.allowed_states} onChange={(states) => set("allowed_states", states)} />
            </Field>
            <Field label="Duplicate window (seconds)" name="dedupe_seconds" hint="0 turns the duplicate check off.">
              <TextInput type="number" min={0} required {...text("dedupe_seconds")} />
            </Field>
            <Field label="A duplicate call is" name="duplicate_action">
              <Select {...text("duplicate_action")}>
                <option value="route">Routed as usual (and flagged)</option>
                <option value="route_to_original">Routed to the original call's target</option>
                <option value="reject">Rejected</option>
              </Select>
            </Field>
          </FormSection>
          <FormSection title="Dialing" description="How long each target rings, how many are tried, and what a caller hears when none answers.">
            <Field label="Ring each target for (seconds)" name="dial_timeout_seconds">
              <TextInput type="number" min={5} max={120} required {...text("dial_timeout_seconds")} />
            </Field>
            <Field label="Targets tried per call" name="max_attempts">
              <TextInput type="number" min={1} max={10} required {...text("max_attempts")} />
            </Field>
            <Field label="Fallback number" name="fallback_number" hint="Dialed when no target takes the call.">
              <TextInput inputMode="tel" placeholder="+14155550199" {...text("fallback_number")} />
            </Field>
            <div className="flex items-end pb-2">
              <Toggle name="record_calls" label="Record calls" checked={draft.record_calls} onChange={(value) => set("record_calls", value)} />
            </div>
            <Field label="Closed message" name="closed_message" className="sm:col-span-2" hint="Read to the caller when there is no fallback number.">
              <TextArea maxLength={1000} {...text("closed_message")} />
            </Field>
          </FormSection>
          <ErrorAlert error={update.error} shownFields={SHOWN} />
        </FormErrors>
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={() => setDraft(draftOf(campaign))}>Discard changes</Button>
          <Button type="submit" variant="primary" busy={update.isPending}>
            Save campaign
          </Button>
        </div>
      </form>
    </Card>
  );
}
