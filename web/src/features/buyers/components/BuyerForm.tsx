import { useState, type FormEvent } from "react";
import { Button } from "@/components/Button";
import { ErrorAlert, Field, FormErrors, intText, optionalInt, Select, TextArea, TextInput } from "@/components/form";
import type { Buyer, BuyerCreate, PartyStatus } from "../api";

interface Draft {
  name: string;
  company: string;
  email: string;
  phone: string;
  status: PartyStatus;
  concurrency_cap: string;
  hourly_cap: string;
  daily_cap: string;
  monthly_cap: string;
  notes: string;
}

function draftOf(buyer?: Buyer): Draft {
  return {
    name: buyer?.name ?? "",
    company: buyer?.company ?? "",
    email: buyer?.email ?? "",
    phone: buyer?.phone ?? "",
    status: buyer?.status ?? "active",
    concurrency_cap: intText(buyer?.concurrency_cap),
    hourly_cap: intText(buyer?.hourly_cap),
    daily_cap: intText(buyer?.daily_cap),
    monthly_cap: intText(buyer?.monthly_cap),
    notes: buyer?.notes ?? "",
  };
}

const SHOWN = ["name", "company", "email", "phone", "status", "concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap", "notes"];

/** Creates or edits a buyer; caps left empty are unlimited and apply across all the buyer's targets. */
export function BuyerForm({
  buyer,
  busy,
  error,
  onSubmit,
  onCancel,
  submitLabel,
}: {
  buyer?: Buyer;
  busy: boolean;
  error: unknown;
  onSubmit: (body: BuyerCreate) => void;
  onCancel?: () => void;
  submitLabel: string;
}) {
  const [draft, setDraft] = useState(() => draftOf(buyer));
  const text = (name: keyof Draft) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit({
      name: draft.name,
      company: draft.company,
      email: draft.email.trim() || null,
      phone: draft.phone.trim() || null,
      status: draft.status,
      concurrency_cap: optionalInt(draft.concurrency_cap),
      hourly_cap: optionalInt(draft.hourly_cap),
      daily_cap: optionalInt(draft.daily_cap),
      monthly_cap: optionalInt(draft.monthly_cap),
      notes: draft.notes,
    });
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-4">
      <FormErrors error={error}>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" name="name">
            <TextInput required maxLength={200} {...text("name")} />
          </Field>
          <Field label="Company" name="company">
            <TextInput maxLength={200} {...text("company")} />
          </Field>
          <Field label="Email" name="email">
            <TextInput type="email" {...text("email")} />
          </Field>
          <Field label="Phone" name="phone">
            <TextInput inputMode="tel" {...text("phone")} />
          </Field>
          <Field label="Status" name="status">
            <Select {...text("status")}>
              <option value="active">Active</option>
              <option value="paused">Paused</option>
            </Select>
          </Field>
          <Field label="Concurrent calls" name="concurrency_cap" hint="Across all its targets; empty = unlimited">
            <TextInput type="number" min={0} placeholder="Unlimited" {...text("concurrency_cap")} />
          </Field>
          <Field label="Calls per hour" name="hourly_cap">
            <TextInput type="number" min={0} placeholder="Unlimited" {...text("hourly_cap")} />
          </Field>
          <Field label="Calls per day" name="daily_cap">
            <TextInput type="number" min={0} placeholder="Unlimited" {...text("daily_cap")} />
          </Field>
          <Field label="Calls per month" name="monthly_cap">
            <TextInput type="number" min={0} placeholder="Unlimited" {...text("monthly_cap")} />
          </Field>
          <Field label="Notes" name="notes" className="sm:col-span-2">
            <TextArea {...text("notes")} />
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
