import { useRef, useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router";
import type { Schemas } from "@/api/client";
import { Badge, StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { ErrorAlert, Field, FormErrors, FormSection, intText, optionalInt, Select, TextArea, TextInput } from "@/components/form";
import { Card, PageHeader } from "@/components/PageHeader";
import { Loading } from "@/components/Spinner";
import { useToast } from "@/components/Toast";
import { count, money } from "@/lib/format";
import { RESPONSE_PATHS, TEMPLATE_TOKENS, type Bidder, type BidderCreate } from "../api";
import { useArchiveBidder, useBidder, useBidderAnalytics, useCreateBidder, useTestPing, useUpdateBidder } from "../hooks";

type Draft = Record<string, string>;

const TEXT_FIELDS = [
  "name", "status", "endpoint_url", "method", "content_type", "request_template", "timeout_ms", "bid_amount_path",
  "destination_path", "accepted_path", "currency_path", "duration_path", "bid_id_path", "expires_path", "min_bid",
  "max_bid", "currency", "concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap",
] as const;

function draftOf(bidder?: Bidder): Draft {
  const draft: Draft = {
    name: "", status: "active", endpoint_url: "", method: "post", content_type: "application/json",
    request_template: "", timeout_ms: "2000", bid_amount_path: "bidAmount", destination_path: "destination",
    accepted_path: "", currency_path: "", duration_path: "", bid_id_path: "", expires_path: "", min_bid: "0",
    max_bid: "", currency: "USD", concurrency_cap: "", hourly_cap: "", daily_cap: "", monthly_cap: "",
    headers: "",
  };
  if (bidder) {
    for (const name of TEXT_FIELDS) {
      const value = bidder[name];
      draft[name] = value === null || value === undefined ? "" : String(value);
    }
    for (const cap of ["concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap"] as const) draft[cap] = intText(bidder[cap]);
    draft.min_bid = String(Number(bidder.min_bid));
    draft.max_bid = bidder.max_bid === null ? "" : String(Number(bidder.max_bid));
    draft.headers = Object.entries(bidder.headers).map(([name, value]) => `${name}: ${value}`).join("\n");
  }
  return draft;
}

/** "Name: value" lines into a header map; a line without a colon is sent as a name the API refuses. */
function headersOf(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf(":");
    if (at < 0) headers[line] = "";
    else headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

function bodyOf(draft: Draft): BidderCreate {
  const optional = (value: string | undefined) => (value && value.trim() ? value.trim() : null);
  return {
    name: draft.name ?? "",
    status: draft.status as BidderCreate["status"],
    endpoint_url: draft.endpoint_url ?? "",
    method: draft.method as BidderCreate["method"],
    content_type: draft.content_type,
    headers: headersOf(draft.headers ?? ""),
    request_template: draft.request_template,
    timeout_ms: Number(draft.timeout_ms),
    bid_amount_path: draft.bid_amount_path,
    destination_path: draft.destination_path,
    accepted_path: optional(draft.accepted_path),
    currency_path: optional(draft.currency_path),
    duration_path: optional(draft.duration_path),
    bid_id_path: optional(draft.bid_id_path),
    expires_path: optional(draft.expires_path),
    min_bid: draft.min_bid || "0",
    max_bid: optional(draft.max_bid),
    currency: draft.currency,
    concurrency_cap: optionalInt(draft.concurrency_cap ?? ""),
    hourly_cap: optionalInt(draft.hourly_cap ?? ""),
    daily_cap: optionalInt(draft.daily_cap ?? ""),
    monthly_cap: optionalInt(draft.monthly_cap ?? ""),
  };
}

export function BidderEditor() {
  const { bidderId } = useParams();
  const bidder = useBidder(bidderId);
  if (bidderId && bidder.isPending) return <Loading what="Loading the bidder" />;
  if (bidder.error) return <ErrorAlert error={bidder.error} />;
  return <Editor key={bidder.data?.id ?? "new"} bidder={bidder.data} />;
}

function Editor({ bidder }: { bidder?: Bidder }) {
  const [draft, setDraft] = useState(() => draftOf(bidder));
  const create = useCreateBidder();
  const update = useUpdateBidder(bidder?.id ?? "");
  const archive = useArchiveBidder(bidder?.id ?? "");
  const mutation = bidder ? update : create;
  const navigate = useNavigate();
  const notify = useToast();
  const template = useRef<HTMLTextAreaElement>(null);
  const text = (name: string) => ({
    value: draft[name] ?? "",
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });

  /** Puts `{token}` where the cursor is in the request template. */
  function insertToken(token: string) {
    const area = template.current;
    const value = draft.request_template ?? "";
    const at = area ? area.selectionStart : value.length;
    const end = area ? area.selectionEnd : value.length;
    setDraft((d) => ({ ...d, request_template: `${value.slice(0, at)}{${token}}${value.slice(end)}` }));
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(at + token.length + 2, at + token.length + 2);
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    mutation.mutate(bodyOf(draft), {
      onSuccess: (saved) => {
        notify(bidder ? "Bidder saved" : "Bidder created");
        if (!bidder) navigate(`/rtb/${saved.id}`);
      },
    });
  }

  return (
    <>
      <PageHeader
        back={{ to: "/rtb", label: "RTB Bidders" }}
        title={
          bidder ? (
            <span className="flex items-center gap-3">
              {bidder.name} <StatusBadge status={bidder.status} />
            </span>
          ) : (
            "New bidder"
          )
        }
        actions={
          bidder &&
          bidder.status !== "archived" && (
            <ConfirmButton
              label="Archive"
              title={`Archive ${bidder.name}?`}
              confirmLabel="Archive bidder"
              onConfirm={() => archive.mutateAsync().then(() => navigate("/rtb"))}
            >
              The bidder is pinged no more. Its past bids stay with their calls.
            </ConfirmButton>
          )
        }
      />
      <div className="grid gap-5 2xl:grid-cols-[1fr_24rem]">
        <Card>
          <form onSubmit={submit} className="p-5">
            <FormErrors error={mutation.error}>
              <FormSection title="Ping" description="Where the platform asks for a bid, and how.">
                <Field label="Name" name="name">
                  <TextInput required maxLength={200} {...text("name")} />
                </Field>
                <Field label="Status" name="status">
                  <Select {...text("status")}>
                    <option value="active">Active</option>
                    <option value="paused">Paused</option>
                  </Select>
                </Field>
                <Field label="Endpoint URL" name="endpoint_url" className="sm:col-span-2" hint="May hold {tokens}, e.g. ?caller={callerId}">
                  <TextInput required placeholder="https://bids.example.com/ping" {...text("endpoint_url")} />
                </Field>
                <Field label="Method" name="method">
                  <Select {...text("method")}>
                    <option value="post">POST</option>
                    <option value="get">GET</option>
                  </Select>
                </Field>
                <Field label="Content type" name="content_type">
                  <Select {...text("content_type")}>
                    {["application/json", "application/x-www-form-urlencoded", "application/xml", "text/xml", "text/plain"].map((type) => (
                      <option key={type}>{type}</option>
                    ))}
                  </Select>
                </Field>
                <Field label="Timeout (ms)" name="timeout_ms" hint="50–10000; the campaign's auction timeout caps it">
                  <TextInput type="number" min={50} max={10000} required {...text("timeout_ms")} />
                </Field>
                <Field label="Headers" name="headers" className="sm:col-span-2" hint="One per line: Name: value">
                  <TextArea rows={2} className="font-mono text-xs" placeholder="Authorization: Bearer …" {...text("headers")} />
                </Field>
              </FormSection>
              <fieldset className="grid gap-4 border-t border-slate-100 py-5 md:grid-cols-3">
                <div>
                  <legend className="font-semibold text-slate-900">Request template</legend>
                  <p className="mt-1 text-xs text-slate-500">The body sent with each ping. Click a variable to insert it; empty sends the default body.</p>
                  <ul className="mt-3 flex flex-col gap-1" aria-label="Template variables">
                    {TEMPLATE_TOKENS.map(({ token, meaning }) => (
                      <li key={token}>
                        <button type="button" onClick={() => insertToken(token)} className="text-left hover:text-brand-700" title={`Insert {${token}}`}>
                          <code className="rounded bg-slate-100 px-1 text-xs">{`{${token}}`}</code>
                          <span className="ml-1 text-xs text-slate-500">{meaning}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
                <Field label="Template" name="request_template" className="md:col-span-2">
                  <TextArea
                    ref={template}
                    rows={12}
                    className="font-mono text-xs"
                    placeholder={'{"caller": "{callerId}", "state": "{callerState}", "minBid": {minBid}}'}
                    {...text("request_template")}
                  />
                </Field>
              </fieldset>
              <FormSection title="Response" description="Where the answer holds each field: dotted paths (data.bid.amount) or JSONPath ($.bids[0].price).">
                {RESPONSE_PATHS.map((path) => (
                  <Field key={path.field} label={path.label} name={path.field} hint={path.hint}>
                    <TextInput required={path.required} className="font-mono" {...text(path.field)} />
                  </Field>
                ))}
              </FormSection>
              <FormSection title="Bids" description="Bids outside the range, or in another currency, are refused with their reason.">
                <Field label="Minimum bid" name="min_bid">
                  <TextInput inputMode="decimal" {...text("min_bid")} />
                </Field>
                <Field label="Maximum bid" name="max_bid">
                  <TextInput inputMode="decimal" placeholder="No maximum" {...text("max_bid")} />
                </Field>
                <Field label="Currency" name="currency">
                  <TextInput maxLength={3} {...text("currency")} />
                </Field>
              </FormSection>
              <FormSection title="Caps" description="Leave empty for no limit.">
                {(["concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap"] as const).map((cap) => (
                  <Field key={cap} label={{ concurrency_cap: "Concurrent calls", hourly_cap: "Per hour", daily_cap: "Per day", monthly_cap: "Per month" }[cap]} name={cap}>
                    <TextInput type="number" min={0} placeholder="Unlimited" {...text(cap)} />
                  </Field>
                ))}
              </FormSection>
              <ErrorAlert error={mutation.error} shownFields={[...TEXT_FIELDS, "headers"]} />
            </FormErrors>
            <div className="mt-4 flex justify-end gap-2">
              <Button onClick={() => navigate("/rtb")}>Cancel</Button>
              <Button type="submit" variant="primary" busy={mutation.isPending}>
                {bidder ? "Save bidder" : "Create bidder"}
              </Button>
            </div>
          </form>
        </Card>
        {bidder ? (
          <div className="flex flex-col gap-5">
            <TestPingCard bidderId={bidder.id} />
            <AnalyticsCard bidderId={bidder.id} />
          </div>
        ) : (
          <p className="text-slate-500">Save the bidder to send it a test ping.</p>
        )}
      </div>
    </>
  );
}

function TestPingCard({ bidderId }: { bidderId: string }) {
  const test = useTestPing(bidderId);
  const [caller, setCaller] = useState("+12125550123");
  const [state, setState] = useState("CA");
  const result = test.data;
  return (
    <Card title="Test ping">
      <form
        className="flex flex-col gap-3 p-4"
        onSubmit={(event) => {
          event.preventDefault();
          test.mutate({ caller_id: caller, caller_state: state || null } as Schemas["TestPingCreate"]);
        }}
      >
        <FormErrors error={test.error}>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Caller" name="caller_id">
              <TextInput value={caller} onChange={(e) => setCaller(e.target.value)} />
            </Field>
            <Field label="State" name="caller_state">
              <TextInput value={state} maxLength={2} onChange={(e) => setState(e.target.value.toUpperCase())} />
            </Field>
          </div>
          <ErrorAlert error={test.error} shownFields={["caller_id", "caller_state"]} />
        </FormErrors>
        <Button type="submit" variant="primary" busy={test.isPending}>
          {test.isPending ? "Waiting for the bidder…" : "Send test ping"}
        </Button>
      </form>
      {result && (
        <div className="flex flex-col gap-3 border-t border-slate-100 p-4" aria-label="Test ping result">
          <p className="flex items-center gap-2">
            {result.result.valid ? <Badge tone="green">Valid bid</Badge> : <Badge tone="red">{result.result.reason ?? "refused"}</Badge>}
            <span className="font-semibold">{result.result.amount ? money(result.result.amount) : "no amount"}</span>
            {result.response.latency_ms !== null && <span className="text-xs text-slate-500">{Math.round(result.response.latency_ms)} ms</span>}
          </p>
          {result.result.detail && <p className="text-slate-600">{result.result.detail}</p>}
          <Exchange title={`Sent: ${result.request.method.toUpperCase()} ${result.request.url}`} body={result.request.body} />
          <Exchange title={`Answer: HTTP ${result.response.status ?? "none"}`} body={result.response.body} />
        </div>
      )}
    </Card>
  );
}

function Exchange({ title, body }: { title: string; body: string | null }) {
  return (
    <div>
      <p className="break-all text-xs font-medium text-slate-600">{title}</p>
      <pre className="mt-1 max-h-40 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">{body || "(empty)"}</pre>
    </div>
  );
}

function AnalyticsCard({ bidderId }: { bidderId: string }) {
  const analytics = useBidderAnalytics(bidderId);
  const data = analytics.data;
  return (
    <Card title="Last 7 days">
      <ErrorAlert error={analytics.error} />
      {data ? (
        <dl className="grid grid-cols-2 gap-3 p-4">
          {(
            [
              ["Pings", count(data.pings)],
              ["Bids", count(data.bids)],
              ["Wins", count(data.wins)],
              ["Win rate", data.win_rate === null ? "—" : `${(data.win_rate * 100).toFixed(1)}%`],
              ["Avg latency", data.average_latency_ms === null ? "—" : `${Math.round(data.average_latency_ms)} ms`],
              ["Timeouts / errors", `${data.timeouts} / ${data.errors}`],
              ["Average bid", money(data.average_bid)],
            ] as const
          ).map(([name, value]) => (
            <div key={name} className="rounded-md bg-slate-50 px-3 py-2">
              <dt className="text-xs text-slate-500">{name}</dt>
              <dd className="font-semibold text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        !analytics.error && <Loading />
      )}
    </Card>
  );
}
