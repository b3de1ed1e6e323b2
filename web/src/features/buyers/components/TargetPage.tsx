import { useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router";
import { StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import {
  ErrorAlert,
  Field,
  FormErrors,
  FormSection,
  intText,
  optionalInt,
  Select,
  TextInput,
  Toggle,
} from "@/components/form";
import { Card, PageHeader } from "@/components/PageHeader";
import { RowSelect, StatesInput } from "@/components/pickers";
import { Loading } from "@/components/Spinner";
import { useToast } from "@/components/Toast";
import type { PartyStatus, Schedule, Target, TargetCreate } from "../api";
import { useArchiveTarget, useBuyer, useBuyerOptions, useCreateTarget, useTarget, useUpdateTarget } from "../hooks";
import { emptySchedule, ScheduleEditor } from "./ScheduleEditor";

interface Draft {
  buyer_id: string;
  name: string;
  destination: string;
  status: PartyStatus;
  priority: string;
  weight: string;
  concurrency_cap: string;
  hourly_cap: string;
  daily_cap: string;
  monthly_cap: string;
  revenue: string;
  conversion_seconds: string;
  allowed_states: string[];
  scheduled: boolean;
  schedule: Schedule;
}

function draftOf(target: Target | undefined, buyerId: string): Draft {
  return {
    buyer_id: target?.buyer_id ?? buyerId,
    name: target?.name ?? "",
    destination: target?.destination ?? "",
    status: target?.status ?? "active",
    priority: String(target?.priority ?? 1),
    weight: String(target?.weight ?? 1),
    concurrency_cap: intText(target?.concurrency_cap),
    hourly_cap: intText(target?.hourly_cap),
    daily_cap: intText(target?.daily_cap),
    monthly_cap: intText(target?.monthly_cap),
    revenue: target ? String(Number(target.revenue)) : "0",
    conversion_seconds: intText(target?.conversion_seconds),
    allowed_states: target?.allowed_states ?? [],
    scheduled: Boolean(target?.schedule),
    schedule: target?.schedule ?? emptySchedule(),
  };
}

function bodyOf(draft: Draft): TargetCreate {
  return {
    buyer_id: draft.buyer_id,
    name: draft.name,
    destination: draft.destination,
    status: draft.status,
    priority: Number(draft.priority),
    weight: Number(draft.weight),
    concurrency_cap: optionalInt(draft.concurrency_cap),
    hourly_cap: optionalInt(draft.hourly_cap),
    daily_cap: optionalInt(draft.daily_cap),
    monthly_cap: optionalInt(draft.monthly_cap),
    revenue: draft.revenue === "" ? "0" : draft.revenue,
    conversion_seconds: optionalInt(draft.conversion_seconds),
    allowed_states: draft.allowed_states,
    schedule: draft.scheduled ? draft.schedule : null,
  };
}

const SHOWN = [
  "buyer_id", "name", "destination", "status", "priority", "weight", "concurrency_cap", "hourly_cap", "daily_cap",
  "monthly_cap", "revenue", "conversion_seconds", "allowed_states", "schedule",
];

/** `/buyers/:buyerId/targets/new` creates a target of that buyer; `/targets/:targetId` edits one. */
export function TargetPage() {
  const { targetId, buyerId } = useParams();
  const target = useTarget(targetId);
  if (targetId && target.isPending) return <Loading what="Loading the target" />;
  if (target.error) return <ErrorAlert error={target.error} />;
  return <TargetEditor key={target.data?.id ?? "new"} target={target.data} buyerId={buyerId ?? ""} />;
}

function TargetEditor({ target, buyerId }: { target?: Target; buyerId: string }) {
  const [draft, setDraft] = useState(() => draftOf(target, buyerId));
  const buyer = useBuyer(draft.buyer_id);
  const buyers = useBuyerOptions();
  const create = useCreateTarget();
  const update = useUpdateTarget(target?.id ?? "");
  const archive = useArchiveTarget(target?.id ?? "");
  const mutation = target ? update : create;
  const navigate = useNavigate();
  const notify = useToast();
  const set = <K extends keyof Draft>(name: K, value: Draft[K]) => setDraft((d) => ({ ...d, [name]: value }));
  const text = (name: keyof Draft) => ({
    value: draft[name] as string,
    onChange: (event: { target: { value: string } }) => set(name, event.target.value as never),
  });
  const buyerPath = `/buyers/${draft.buyer_id}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    mutation.mutate(bodyOf(draft), {
      onSuccess: (saved) => {
        notify(target ? "Target saved" : "Target created");
        if (!target) navigate(`/buyers/${saved.buyer_id}`);
      },
    });
  }

  return (
    <>
      <PageHeader
        back={{ to: buyerPath, label: buyer.data?.name ?? "Buyer" }}
        title={
          target ? (
            <span className="flex items-center gap-3">
              {target.name} <StatusBadge status={target.status} />
            </span>
          ) : (
            "New target"
          )
        }
        description="Where calls ring, when, how many, and what a converted call earns."
        actions={
          target &&
          target.status !== "archived" && (
            <ConfirmButton
              label="Archive"
              title={`Archive ${target.name}?`}
              confirmLabel="Archive target"
              onConfirm={() => archive.mutateAsync().then(() => navigate(buyerPath))}
            >
              The target takes no more calls and leaves every campaign's routing. Past calls keep it.
            </ConfirmButton>
          )
        }
      />
      <Card>
        <form onSubmit={submit} className="p-5">
          <FormErrors error={mutation.error}>
            <FormSection title="Destination" description="A phone number in E.164 or US format, or a sip: address.">
              <Field label="Name" name="name">
                <TextInput required maxLength={200} {...text("name")} />
              </Field>
              <Field label="Destination" name="destination" hint="+14155550100 or sip:sales@pbx.example.com">
                <TextInput required inputMode="tel" {...text("destination")} />
              </Field>
              <Field label="Buyer" name="buyer_id">
                <RowSelect required none="Choose a buyer…" rows={buyers.data?.items} {...text("buyer_id")} />
              </Field>
              <Field label="Status" name="status">
                <Select {...text("status")}>
                  <option value="active">Active</option>
                  <option value="paused">Paused</option>
                </Select>
              </Field>
            </FormSection>
            <FormSection title="Routing" description="Priority 1 rings first; weight shares calls inside a priority. Campaigns may override both.">
              <Field label="Priority (1–10)" name="priority">
                <TextInput type="number" min={1} max={10} required {...text("priority")} />
              </Field>
              <Field label="Weight (1–100)" name="weight">
                <TextInput type="number" min={1} max={100} required {...text("weight")} />
              </Field>
              <Field label="Allowed caller states" name="allowed_states" hint="e.g. CA, NY; empty takes every state">
                <StatesInput value={draft.allowed_states} onChange={(states) => set("allowed_states", states)} />
              </Field>
            </FormSection>
            <FormSection title="Money" description="Revenue counts when a call converts: connected at least the conversion time.">
              <Field label="Revenue per converted call ($)" name="revenue">
                <TextInput inputMode="decimal" {...text("revenue")} />
              </Field>
              <Field label="Converts after (seconds)" name="conversion_seconds" hint="Empty uses the campaign's">
                <TextInput type="number" min={0} max={7200} placeholder="Campaign's" {...text("conversion_seconds")} />
              </Field>
            </FormSection>
            <FormSection title="Caps" description="Leave empty for no limit.">
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
            <fieldset className="border-t border-slate-100 py-5">
              <legend className="sr-only">Hours</legend>
              <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
                <div>
                  <h3 className="font-semibold text-slate-900">Hours</h3>
                  <p className="text-xs text-slate-500">Outside its hours a target is skipped, in its own time zone.</p>
                </div>
                <Toggle label="Only during set hours" checked={draft.scheduled} onChange={(value) => set("scheduled", value)} />
              </div>
              {draft.scheduled ? (
                <ScheduleEditor value={draft.schedule} onChange={(schedule) => set("schedule", schedule)} />
              ) : (
                <p className="rounded-md bg-slate-50 px-3 py-2 text-slate-600">Always open: calls may ring at any hour.</p>
              )}
            </fieldset>
            <ErrorAlert error={mutation.error} shownFields={SHOWN} />
          </FormErrors>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => navigate(buyerPath)}>Cancel</Button>
            <Button type="submit" variant="primary" busy={mutation.isPending}>
              {target ? "Save target" : "Create target"}
            </Button>
          </div>
        </form>
      </Card>
    </>
  );
}
