import { useState } from "react";
import { Outlet, useNavigate, useOutletContext, useParams } from "react-router";
import { Badge, StatusBadge } from "@/components/Badge";
import { Button } from "@/components/Button";
import { ConfirmButton } from "@/components/Confirm";
import { ErrorAlert } from "@/components/form";
import { PageHeader } from "@/components/PageHeader";
import { Loading } from "@/components/Spinner";
import { Tabs } from "@/components/Tabs";
import { useToast } from "@/components/Toast";
import { NEXT_STATUSES, type Campaign } from "../api";
import { useArchiveCampaign, useCampaign, useCloneCampaign, useReadiness, useUpdateCampaign } from "../hooks";

export function useCampaignContext() {
  return useOutletContext<Campaign>();
}

export function CampaignPage() {
  const { campaignId = "" } = useParams();
  const campaign = useCampaign(campaignId);
  if (campaign.isPending) return <Loading what="Loading the campaign" />;
  if (campaign.error) return <ErrorAlert error={campaign.error} />;
  const row = campaign.data;
  return (
    <>
      <PageHeader
        back={{ to: "/campaigns", label: "Campaigns" }}
        title={
          <span className="flex items-center gap-3">
            {row.name} <StatusBadge status={row.status} />
          </span>
        }
        description={row.description || undefined}
        actions={<CampaignActions campaign={row} />}
      />
      <ReadinessPanel campaignId={row.id} />
      <Tabs
        tabs={[
          { to: `/campaigns/${row.id}`, label: "Settings", end: true },
          { to: `/campaigns/${row.id}/routing`, label: "Routing" },
          { to: `/campaigns/${row.id}/numbers`, label: "Numbers" },
        ]}
      />
      <Outlet context={row} />
    </>
  );
}

function CampaignActions({ campaign }: { campaign: Campaign }) {
  const update = useUpdateCampaign(campaign.id);
  const archive = useArchiveCampaign(campaign.id);
  const clone = useCloneCampaign(campaign.id);
  const navigate = useNavigate();
  const notify = useToast();
  const [error, setError] = useState<unknown>(null);

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap gap-2">
        {NEXT_STATUSES[campaign.status].map((next) => (
          <Button
            key={next.status}
            variant={next.status === "active" ? "primary" : "secondary"}
            busy={update.isPending && update.variables?.status === next.status}
            onClick={() =>
              update.mutate(
                { status: next.status },
                { onSuccess: () => notify(`Campaign is ${next.status}`), onError: setError },
              )
            }
          >
            {next.label}
          </Button>
        ))}
        <Button
          busy={clone.isPending}
          onClick={() =>
            clone.mutate(undefined, {
              onSuccess: (copy) => {
                notify(`Cloned as "${copy.name}"`);
                navigate(`/campaigns/${copy.id}`);
              },
              onError: setError,
            })
          }
        >
          Clone
        </Button>
        {campaign.status !== "archived" && (
          <ConfirmButton
            label="Archive"
            title="Archive this campaign?"
            confirmLabel="Archive"
            onConfirm={() => archive.mutateAsync().then(() => notify("Campaign archived"))}
          >
            An archived campaign takes no calls. Its call records and reports stay, and you can restore it later.
          </ConfirmButton>
        )}
      </div>
      <ErrorAlert error={error} />
    </div>
  );
}

/** The readiness check: what stops the campaign from taking calls, and what deserves a look. */
function ReadinessPanel({ campaignId }: { campaignId: string }) {
  const readiness = useReadiness(campaignId);
  if (!readiness.data) return null;
  const { ready, issues } = readiness.data;
  return (
    <section
      aria-label="Readiness"
      className={`mb-5 rounded-lg px-4 py-3 ring-1 ${ready ? "bg-emerald-50 ring-emerald-200" : "bg-amber-50 ring-amber-200"}`}
    >
      <p className={`font-semibold ${ready ? "text-emerald-800" : "text-amber-900"}`}>
        {ready ? "Ready to take calls" : "Not ready to take calls yet"}
      </p>
      {issues.length > 0 && (
        <ul className="mt-2 flex flex-col gap-1">
          {issues.map((issue) => (
            <li key={issue.code} className="flex items-start gap-2">
              <Badge tone={issue.severity === "error" ? "red" : "amber"}>{issue.severity}</Badge>
              <span className="text-slate-700">{issue.message}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
