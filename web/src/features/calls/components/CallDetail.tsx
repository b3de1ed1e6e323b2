import type { ReactNode } from "react";
import { Link } from "react-router";
import { Badge, StatusBadge, type Tone } from "@/components/Badge";
import { ErrorAlert } from "@/components/form";
import { Loading } from "@/components/Spinner";
import { clock, duration, label, money, phone } from "@/lib/format";
import { useDeliveries } from "@/features/integrations/hooks";
import { useAuction } from "@/features/rtb/hooks";
import type { CallDetail as Detail, JourneyEvent } from "../api";
import { useCall } from "../hooks";

export interface Names {
  campaign: Map<string, string>;
  target: Map<string, string>;
  buyer: Map<string, string>;
}

/** The expanded row of the call log: journey, attempts, bids, attribution, recording and pixels. */
export function CallDetailPanel({ callId, names }: { callId: string; names: Names }) {
  const call = useCall(callId);
  if (call.isPending) return <Loading what="Loading the call's journey" />;
  if (call.error) return <ErrorAlert error={call.error} />;
  const detail = call.data;
  return (
    <div className="grid gap-4 whitespace-normal lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]" data-testid="call-detail">
      <section aria-label="Journey">
        <h3 className="mb-2 font-semibold text-slate-900">Journey</h3>
        <Journey events={detail.journey} names={names} />
      </section>
      <div className="flex flex-col gap-4">
        <Panel title="Outcome">
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1.5">
            <Fact name="Status">
              <StatusBadge status={detail.status} />
            </Fact>
            <Fact name="Disposition">{detail.disposition ? label(detail.disposition) : "—"}</Fact>
            <Fact name="Caller">
              {phone(detail.caller)} {detail.caller_state && <span className="text-slate-500">({detail.caller_state})</span>}
            </Fact>
            <Fact name="Called">{phone(detail.called)}</Fact>
            <Fact name="Duration">{duration(detail.duration_seconds)}</Fact>
            <Fact name="Connected">{duration(detail.connected_seconds)}</Fact>
            <Fact name="Revenue">{money(detail.revenue)}</Fact>
            <Fact name="Payout">{money(detail.payout)}</Fact>
            <Fact name="Converted">{detail.converted ? <Badge tone="green">Converted</Badge> : "No"}</Fact>
            <Fact name="Duplicate">{detail.duplicate ? <Badge tone="amber">Duplicate</Badge> : "No"}</Fact>
          </dl>
        </Panel>
        <Attempts detail={detail} names={names} />
        {detail.auction_id && <AuctionBids auctionId={detail.auction_id} />}
        <Attribution detail={detail} />
        <Panel title="Recording">
          {detail.recording_url ? (
            <audio controls preload="none" src={detail.recording_url} className="w-full">
              <a href={detail.recording_url}>Download the recording</a>
            </audio>
          ) : (
            <p className="text-slate-500">No recording. Turn on "Record calls" in the campaign to record its calls.</p>
          )}
        </Panel>
        <PixelsFired callId={detail.id} />
      </div>
    </div>
  );
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-md bg-white p-3 ring-1 ring-slate-200">
      <h3 className="mb-2 font-semibold text-slate-900">{title}</h3>
      {children}
    </section>
  );
}

function Fact({ name, children }: { name: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-500">{name}</dt>
      <dd className="text-slate-900">{children}</dd>
    </>
  );
}

const FAILURE_TYPES = new Set(["target_rejected", "rejected", "closed", "error"]);

/** Green: the step went through; amber: it was skipped or did not connect; red: it failed or refused. */
function eventTone(event: JourneyEvent): Tone {
  if (event.type === "error") return "red";
  if (FAILURE_TYPES.has(event.type)) return event.type === "target_rejected" ? "amber" : "red";
  if (event.reason) return event.type === "duplicate_check" ? "amber" : "red";
  return "green";
}

function eventSummary(event: JourneyEvent, names: Names): string {
  const detail = event.detail as Record<string, unknown>;
  const target = typeof detail.target_id === "string" ? names.target.get(detail.target_id) : undefined;
  switch (event.type) {
    case "number_lookup":
      return `Number ${phone(String(detail.number ?? ""))} → ${names.campaign.get(String(detail.campaign_id)) ?? "campaign"}`;
    case "duplicate_check":
      return detail.duplicate ? `Repeat caller (${label(String(detail.action ?? ""))})` : "Not a duplicate";
    case "routing":
      return `${label(String(detail.strategy ?? "routing"))}: ${detail.candidates ?? 0} candidate(s), ${label(String(detail.outcome ?? ""))}`;
    case "target_rejected":
      return `${target ?? "Target"} skipped${detail.detail ? `: ${String(detail.detail)}` : ""}`;
    case "dial":
      return `Dialing ${target ?? "target"} (attempt ${detail.attempt ?? "?"})${detail.destination ? ` ${phone(String(detail.destination))}` : ""}`;
    case "dial_result":
      return `Attempt ${detail.attempt ?? "?"}: ${label(String(detail.status ?? ""))}${detail.duration_seconds ? `, ${duration(Number(detail.duration_seconds))}` : ""}`;
    case "fallback":
      return `Sent to the fallback number ${phone(String(detail.number ?? ""))}`;
    case "closed":
      return "Closed message played";
    case "call_ended":
      return `Call ended: ${label(String(detail.status ?? ""))}, ${duration(Number(detail.duration_seconds ?? 0))}`;
    case "conversion":
      return "Converted";
    case "recording":
      return "Recording available";
    default:
      return label(event.type);
  }
}

export function Journey({ events, names }: { events: JourneyEvent[]; names: Names }) {
  if (!events.length) return <p className="text-slate-500">No step recorded yet.</p>;
  const first = new Date(events[0]!.at).getTime();
  return (
    <ol className="relative flex flex-col gap-2 border-l border-slate-200 pl-5" aria-label="Journey steps">
      {events.map((event, index) => {
        const tone = eventTone(event);
        const offset = (new Date(event.at).getTime() - first) / 1000;
        return (
          <li key={event.seq} className="relative" data-event-type={event.type}>
            <span
              className={`absolute -left-[1.95rem] top-0.5 flex size-5 items-center justify-center rounded-full text-[10px] font-bold text-white ${
                tone === "green" ? "bg-emerald-500" : tone === "amber" ? "bg-amber-500" : "bg-red-500"
              }`}
              aria-hidden="true"
            >
              {index + 1}
            </span>
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium text-slate-900">{label(event.type)}</span>
              <Badge tone={tone}>{event.reason ? label(event.reason) : tone === "green" ? "ok" : "skipped"}</Badge>
              <span className="text-xs text-slate-500">
                {clock(event.at)} · +{offset.toFixed(2)}s
                {event.latency_ms !== null && event.latency_ms !== undefined && ` · ${Math.round(event.latency_ms)} ms`}
              </span>
            </div>
            <p className="text-slate-600">{eventSummary(event, names)}</p>
          </li>
        );
      })}
    </ol>
  );
}

function Attempts({ detail, names }: { detail: Detail; names: Names }) {
  if (!detail.attempts.length) return null;
  return (
    <Panel title="Dial attempts">
      <ol className="flex flex-col gap-1">
        {detail.attempts.map((attempt) => (
          <li key={attempt.attempt} className="flex flex-wrap items-center justify-between gap-2">
            <span>
              {attempt.attempt}.{" "}
              {attempt.target_id ? (
                <Link to={`/targets/${attempt.target_id}`} className="text-brand-700 hover:underline">
                  {names.target.get(attempt.target_id) ?? phone(attempt.destination)}
                </Link>
              ) : (
                phone(attempt.destination)
              )}
              {attempt.buyer_id && <span className="text-slate-500"> · {names.buyer.get(attempt.buyer_id) ?? "buyer"}</span>}
            </span>
            <span className="flex items-center gap-2">
              <span className="text-xs text-slate-500">{duration(attempt.duration_seconds)}</span>
              <StatusBadge status={attempt.status} />
            </span>
          </li>
        ))}
      </ol>
    </Panel>
  );
}

/** The auction's bids, highest first, the winner marked, each refused one with its reason. */
function AuctionBids({ auctionId }: { auctionId: string }) {
  const auction = useAuction(auctionId);
  const bids = [...(auction.data?.bids ?? [])].sort((a, b) => Number(b.amount ?? -1) - Number(a.amount ?? -1));
  return (
    <Panel title="Auction bids">
      <ErrorAlert error={auction.error} />
      {auction.data && (
        <p className="mb-2 text-xs text-slate-500">
          {auction.data.bidders} bidder(s) pinged, {auction.data.valid_bids} valid bid(s), {Math.round(auction.data.duration_ms)} ms
        </p>
      )}
      {auction.data && bids.length === 0 && <p className="text-slate-500">No bidder answered.</p>}
      <ol className="flex flex-col gap-1" aria-label="Bids">
        {bids.map((bid, index) => (
          <li key={bid.id} className="flex items-center justify-between gap-2">
            <span>
              {index + 1}.{" "}
              <Link to={`/rtb/${bid.bidder_id}`} className="text-brand-700 hover:underline">
                {bid.bidder_name}
              </Link>
              {bid.latency_ms !== null && <span className="text-xs text-slate-500"> · {Math.round(bid.latency_ms)} ms</span>}
            </span>
            <span className="flex items-center gap-2">
              <span className="font-medium">{bid.amount === null ? "—" : money(bid.amount)}</span>
              {bid.won ? (
                <Badge tone="green">Winner</Badge>
              ) : bid.reason ? (
                <Badge tone="red">{label(bid.reason)}</Badge>
              ) : (
                <Badge tone="gray">{bid.valid ? "Valid" : "No bid"}</Badge>
              )}
            </span>
          </li>
        ))}
      </ol>
    </Panel>
  );
}

/** The pixels and webhooks this call triggered, as the delivery log recorded them. */
function PixelsFired({ callId }: { callId: string }) {
  const deliveries = useDeliveries({ call_id: callId, limit: 50 });
  const rows = deliveries.data?.items ?? [];
  return (
    <Panel title="Pixels fired">
      <ErrorAlert error={deliveries.error} />
      {deliveries.data && rows.length === 0 && <p className="text-slate-500">No pixel or webhook fired for this call.</p>}
      <ul className="flex flex-col gap-1">
        {rows.map((row) => (
          <li key={row.id} className="flex items-center justify-between gap-2">
            <span className="truncate font-mono text-xs" title={row.url}>
              {label(row.event)} · {row.method} {row.url}
            </span>
            <Badge tone={row.status === "delivered" ? "green" : row.status === "failed" ? "red" : "amber"}>
              {row.status === "delivered" ? `sent${row.last_status_code ? ` ${row.last_status_code}` : ""}` : label(row.status)}
            </Badge>
          </li>
        ))}
      </ul>
    </Panel>
  );
}

const CLICK_IDS = ["gclid", "fbclid", "msclkid", "ttclid", "rtkclickid"];

function Attribution({ detail }: { detail: Detail }) {
  const extra = detail.attribution as Record<string, unknown>;
  const rows = ([
    ["utm_source", detail.utm_source],
    ["utm_medium", detail.utm_medium],
    ["utm_campaign", detail.utm_campaign],
    ["gclid", detail.gclid],
    ...Object.entries(extra).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  ] as [string, string | null | undefined][]).filter((row): row is [string, string] => Boolean(row[1]));
  return (
    <Panel title="Attribution">
      {rows.length ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          {rows.map(([key, value]) => (
            <Fact key={key} name={CLICK_IDS.includes(key) ? `${key} (click id)` : key}>
              <span className="break-all font-mono text-xs">{value}</span>
            </Fact>
          ))}
        </dl>
      ) : (
        <p className="text-slate-500">No UTM or click id: the caller dialed a static number, not a tracked visit.</p>
      )}
    </Panel>
  );
}
