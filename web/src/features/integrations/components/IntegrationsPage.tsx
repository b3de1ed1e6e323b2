import { useMemo, useRef, useState, type FormEvent } from "react";
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import { Badge } from "@/components/Badge";
import { Button, ButtonLink } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { DataTable, Pagination, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { ErrorAlert, Field, FormErrors, FormSection, Select, TextArea, TextInput, Toggle } from "@/components/form";
import { Card, PageHeader } from "@/components/PageHeader";
import { RowSelect } from "@/components/pickers";
import { Loading } from "@/components/Spinner";
import { useToast } from "@/components/Toast";
import { useCampaignOptions } from "@/features/campaigns/hooks";
import { label, shortWhen } from "@/lib/format";
import { EVENTS, type CallEventName, type Delivery, type Integration, type IntegrationCreate, type IntegrationKind } from "../api";
import {
  useCreateIntegration,
  useDeleteIntegration,
  useDeliveries,
  useIntegration,
  useIntegrations,
  useSendTest,
  useTokens,
  useUpdateIntegration,
} from "../hooks";

export function IntegrationsPage() {
  return (
    <Routes>
      <Route index element={<IntegrationList />} />
      <Route path="new" element={<IntegrationEditor />} />
      <Route path=":integrationId" element={<IntegrationEditor />} />
    </Routes>
  );
}

function IntegrationList() {
  const [offset, setOffset] = useState(0);
  const integrations = useIntegrations({ limit: 25, offset });
  const campaigns = useCampaignOptions();
  const campaignName = useMemo(() => new Map((campaigns.data?.items ?? []).map((c) => [c.id, c.name])), [campaigns.data]);
  const add = (
    <ButtonLink to="/integrations/new" variant="primary">
      New integration
    </ButtonLink>
  );
  const columns: Column<Integration>[] = [
    {
      key: "name",
      header: "Integration",
      render: (row) => (
        <Link to={`/integrations/${row.id}`} className="font-medium text-brand-700 hover:underline">
          {row.name}
        </Link>
      ),
    },
    { key: "kind", header: "Kind", render: (row) => label(row.kind) },
    { key: "event", header: "Fires on", render: (row) => (row.event ? label(row.event) : "RedTrack events") },
    { key: "campaign", header: "Campaign", render: (row) => (row.campaign_id ? campaignName.get(row.campaign_id) ?? "—" : "Every campaign") },
    { key: "url", header: "Request", wrap: true, render: (row) => <span className="break-all font-mono text-xs">{row.method} {row.url}</span> },
    { key: "active", header: "Status", render: (row) => <Badge tone={row.active ? "green" : "gray"}>{row.active ? "Active" : "Off"}</Badge> },
  ];
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Pixels, webhooks and RedTrack postbacks fired on call events, with retries and a delivery log."
        actions={add}
      />
      <Card>
        <ErrorAlert error={integrations.error} />
        <DataTable
          label="Integrations"
          columns={columns}
          rows={integrations.data?.items}
          rowKey={(row) => row.id}
          loading={integrations.isFetching}
          empty={
            <EmptyState title="No integration yet" action={add}>
              Send a pixel or a signed webhook when calls come in, are answered or convert, with call, campaign and visitor
              details filled into the URL.
            </EmptyState>
          }
        />
        <Pagination offset={offset} limit={25} total={integrations.data?.total} onOffset={setOffset} />
      </Card>
    </>
  );
}

function IntegrationEditor() {
  const { integrationId } = useParams();
  const integration = useIntegration(integrationId);
  if (integrationId && integration.isPending) return <Loading what="Loading the integration" />;
  if (integration.error) return <ErrorAlert error={integration.error} />;
  return <Editor key={integration.data?.id ?? "new"} integration={integration.data} />;
}

function Editor({ integration }: { integration?: Integration }) {
  const create = useCreateIntegration();
  const update = useUpdateIntegration(integration?.id ?? "");
  const remove = useDeleteIntegration(integration?.id ?? "");
  const mutation = integration ? update : create;
  const campaigns = useCampaignOptions();
  const navigate = useNavigate();
  const notify = useToast();
  const [draft, setDraft] = useState({
    name: integration?.name ?? "",
    kind: (integration?.kind ?? "pixel") as IntegrationKind,
    event: (integration?.event ?? "converted") as CallEventName,
    campaign_id: integration?.campaign_id ?? "",
    method: integration?.method ?? "GET",
    url: integration?.url ?? "",
    body: integration?.body ?? "",
    headers: Object.entries(integration?.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join("\n"),
    timeout_ms: String(integration?.timeout_ms ?? 5000),
    active: integration?.active ?? true,
  });
  const [focused, setFocused] = useState<"url" | "body">("url");
  const urlRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const text = (name: "name" | "kind" | "event" | "campaign_id" | "method" | "url" | "body" | "headers" | "timeout_ms") => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });

  /** Inserts `{token}` at the cursor of the URL or the body, whichever was edited last. */
  function insertToken(token: string) {
    const element = focused === "url" ? urlRef.current : bodyRef.current;
    const value = draft[focused];
    const at = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? value.length;
    setDraft((d) => ({ ...d, [focused]: `${value.slice(0, at)}{${token}}${value.slice(end)}` }));
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(at + token.length + 2, at + token.length + 2);
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const headers: Record<string, string> = {};
    for (const line of draft.headers.split("\n").map((l) => l.trim()).filter(Boolean)) {
      const at = line.indexOf(":");
      headers[at < 0 ? line : line.slice(0, at).trim()] = at < 0 ? "" : line.slice(at + 1).trim();
    }
    const body: IntegrationCreate = {
      name: draft.name,
      kind: draft.kind,
      event: draft.kind === "redtrack" ? null : draft.event,
      campaign_id: draft.campaign_id || null,
      method: draft.kind === "webhook" ? "POST" : (draft.method as "GET" | "POST"),
      url: draft.url,
      headers,
      body: draft.body.trim() ? draft.body : null,
      timeout_ms: Number(draft.timeout_ms),
      active: draft.active,
    };
    const { kind: _kind, ...changes } = body;
    const done = (saved: Integration) => {
      notify(integration ? "Integration saved" : "Integration created");
      if (!integration) navigate(`/integrations/${saved.id}`);
    };
    if (integration) update.mutate(changes, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  }

  return (
    <>
      <PageHeader
        back={{ to: "/integrations", label: "Integrations" }}
        title={integration ? integration.name : "New integration"}
        actions={
          integration && (
            <ConfirmButton
              label="Delete"
              title={`Delete ${integration.name}?`}
              confirmLabel="Delete integration"
              onConfirm={() => remove.mutateAsync().then(() => navigate("/integrations"))}
            >
              It stops firing. Deliveries already logged are kept.
            </ConfirmButton>
          )
        }
      />
      <div className="grid gap-5 xl:grid-cols-[1fr_20rem]">
        <Card>
          <form onSubmit={submit} className="p-5">
            <FormErrors error={mutation.error}>
              <FormSection title="What and when" description="Pixels are simple GETs; webhooks POST signed JSON (Standard Webhooks).">
                <Field label="Name" name="name">
                  <TextInput required maxLength={200} {...text("name")} />
                </Field>
                <Field label="Kind" name="kind">
                  <Select {...text("kind")} disabled={Boolean(integration)}>
                    <option value="pixel">Pixel</option>
                    <option value="webhook">Webhook</option>
                    <option value="redtrack">RedTrack postback</option>
                  </Select>
                </Field>
                {draft.kind !== "redtrack" && (
                  <Field label="Fires on" name="event">
                    <Select {...text("event")}>
                      {EVENTS.map((e) => (
                        <option key={e.value} value={e.value}>
                          {e.label}
                        </option>
                      ))}
                    </Select>
                  </Field>
                )}
                <Field label="Campaign" name="campaign_id">
                  <RowSelect none="Every campaign" rows={campaigns.data?.items} {...text("campaign_id")} />
                </Field>
              </FormSection>
              <FormSection title="Request" description="{tokens} are replaced by the call's values (URL-encoded in the URL). Pick them from the list.">
                {draft.kind !== "webhook" && (
                  <Field label="Method" name="method">
                    <Select {...text("method")}>
                      <option>GET</option>
                      <option>POST</option>
                    </Select>
                  </Field>
                )}
                <Field label="Timeout (ms)" name="timeout_ms">
                  <TextInput type="number" required {...text("timeout_ms")} />
                </Field>
                <Field label="URL" name="url" className="sm:col-span-2">
                  <TextInput ref={urlRef} required className="font-mono text-xs" onFocus={() => setFocused("url")} placeholder="https://track.example.com/pixel?click={gclid}&payout={payout}" {...text("url")} />
                </Field>
                {draft.method === "POST" || draft.kind === "webhook" ? (
                  <Field label="Body" name="body" className="sm:col-span-2" hint={draft.kind === "webhook" ? "Empty sends the standard JSON event" : undefined}>
                    <TextArea ref={bodyRef} rows={5} className="font-mono text-xs" onFocus={() => setFocused("body")} {...text("body")} />
                  </Field>
                ) : null}
                <Field label="Headers" name="headers" className="sm:col-span-2" hint="One per line: Name: value">
                  <TextArea rows={2} className="font-mono text-xs" {...text("headers")} />
                </Field>
                <Toggle name="active" label="Active" checked={draft.active} onChange={(active) => setDraft((d) => ({ ...d, active }))} />
              </FormSection>
              <ErrorAlert error={mutation.error} shownFields={["name", "kind", "event", "campaign_id", "method", "url", "body", "headers", "timeout_ms", "active"]} />
            </FormErrors>
            <div className="mt-4 flex justify-end gap-2">
              <Button onClick={() => navigate("/integrations")}>Cancel</Button>
              <Button type="submit" variant="primary" busy={mutation.isPending}>
                {integration ? "Save integration" : "Create integration"}
              </Button>
            </div>
          </form>
        </Card>
        <TokenPicker onPick={insertToken} />
      </div>
      {integration && (
        <div className="mt-5 grid gap-5 xl:grid-cols-[20rem_1fr]">
          <SendTestCard integration={integration} />
          <DeliveryLog integrationId={integration.id} />
        </div>
      )}
    </>
  );
}

function TokenPicker({ onPick }: { onPick: (token: string) => void }) {
  const tokens = useTokens();
  const [filter, setFilter] = useState("");
  const groups = useMemo(() => {
    const map = new Map<string, { name: string; description: string; example: string }[]>();
    for (const token of tokens.data?.items ?? []) {
      if (filter && !token.name.includes(filter.toLowerCase()) && !token.description.toLowerCase().includes(filter.toLowerCase())) continue;
      map.set(token.group, [...(map.get(token.group) ?? []), token]);
    }
    return [...map.entries()];
  }, [tokens.data, filter]);
  return (
    <Card title="Tokens">
      <div className="p-3">
        <TextInput type="search" aria-label="Filter tokens" placeholder="Filter tokens" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      <ErrorAlert error={tokens.error} />
      <div className="max-h-[32rem] overflow-y-auto px-3 pb-3" aria-label="Token list">
        {groups.map(([group, items]) => (
          <div key={group} className="mb-3">
            <p className="mb-1 text-xs font-semibold uppercase text-slate-400">{group}</p>
            {items.map((token) => (
              <button
                key={token.name}
                type="button"
                onClick={() => onPick(token.name)}
                className="block w-full rounded px-1.5 py-1 text-left hover:bg-brand-50"
                title={`Example: ${token.example}`}
              >
                <code className="text-xs text-brand-700">{`{${token.name}}`}</code>
                <span className="block text-xs text-slate-500">{token.description}</span>
              </button>
            ))}
          </div>
        ))}
      </div>
    </Card>
  );
}

function SendTestCard({ integration }: { integration: Integration }) {
  const send = useSendTest(integration.id);
  const [callId, setCallId] = useState("");
  const result = send.data;
  return (
    <Card title="Send a test">
      <form
        className="flex flex-col gap-3 p-4"
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate({ call_id: callId.trim() || null });
        }}
      >
        <FormErrors error={send.error}>
          <Field label="Call id" name="call_id" hint="Empty uses sample values">
            <TextInput className="font-mono text-xs" value={callId} onChange={(e) => setCallId(e.target.value)} />
          </Field>
          <ErrorAlert error={send.error} shownFields={["call_id"]} />
        </FormErrors>
        <Button type="submit" variant="primary" busy={send.isPending}>
          {send.isPending ? "Sending…" : "Send test"}
        </Button>
      </form>
      {result && (
        <div className="flex flex-col gap-2 border-t border-slate-100 p-4 text-xs" aria-label="Test result">
          <Badge tone={result.success ? "green" : "red"}>{result.success ? "Delivered" : "Failed"}</Badge>
          {result.error && <p className="text-red-700">{result.error}</p>}
          {result.request && <p className="break-all font-mono">{result.request.method} {result.request.url}</p>}
          {result.response && (
            <p>
              HTTP {result.response.status_code} in {Math.round(result.response.latency_ms)} ms
            </p>
          )}
        </div>
      )}
    </Card>
  );
}

function DeliveryLog({ integrationId }: { integrationId: string }) {
  const [offset, setOffset] = useState(0);
  const deliveries = useDeliveries({ integration_id: integrationId, limit: 25, offset });
  const columns: Column<Delivery>[] = [
    { key: "when", header: "Created", render: (row) => shortWhen(row.created_at) },
    { key: "event", header: "Event", render: (row) => label(row.event) },
    {
      key: "status",
      header: "Status",
      render: (row) => <Badge tone={row.status === "delivered" ? "green" : row.status === "failed" ? "red" : "amber"}>{label(row.status)}</Badge>,
    },
    { key: "attempts", header: "Attempts", render: (row) => row.attempts },
    { key: "code", header: "Last answer", render: (row) => row.last_status_code ?? row.last_error ?? "—", wrap: true },
    { key: "next", header: "Next try", render: (row) => (row.status === "pending" ? shortWhen(row.next_attempt_at) : "—") },
  ];
  return (
    <Card title="Delivery log">
      <ErrorAlert error={deliveries.error} />
      <DataTable
        label="Deliveries"
        columns={columns}
        rows={deliveries.data?.items}
        rowKey={(row) => row.id}
        loading={deliveries.isFetching}
        empty={<EmptyState title="Nothing sent yet">Deliveries appear here as calls trigger the integration, with every retry.</EmptyState>}
      />
      <Pagination offset={offset} limit={25} total={deliveries.data?.total} onOffset={setOffset} />
    </Card>
  );
}
