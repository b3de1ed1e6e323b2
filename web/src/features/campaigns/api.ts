import { api, unwrap, type Schemas } from "@/api/client";

export type Campaign = Schemas["CampaignRead"];
export type CampaignCreate = Schemas["CampaignCreate"];
export type CampaignUpdate = Schemas["CampaignUpdate"];
export type CampaignStatus = Schemas["CampaignStatus"];
export type RoutingStrategy = Schemas["RoutingStrategy"];
export type DuplicateAction = Schemas["DuplicateAction"];
export type Assignment = Schemas["CampaignTargetRead"];
export type Readiness = Schemas["ReadinessRead"];

export interface CampaignQuery {
  q?: string;
  status?: CampaignStatus;
  limit?: number;
  offset?: number;
  sort?: string;
}

export type FlowSummary = Schemas["FlowSummary"];

export const campaignsApi = {
  /** Call flows a campaign may run (only published ones can be chosen). */
  flows: () => unwrap(api.GET("/api/call-flows", { params: { query: { limit: 500 } } })),
  list: (query: CampaignQuery) => unwrap(api.GET("/api/campaigns", { params: { query } })),
  get: (id: string) => unwrap(api.GET("/api/campaigns/{campaign_id}", { params: { path: { campaign_id: id } } })),
  create: (body: CampaignCreate) => unwrap(api.POST("/api/campaigns", { body })),
  update: (id: string, body: CampaignUpdate) =>
    unwrap(api.PATCH("/api/campaigns/{campaign_id}", { params: { path: { campaign_id: id } }, body })),
  archive: (id: string) => unwrap(api.DELETE("/api/campaigns/{campaign_id}", { params: { path: { campaign_id: id } } })),
  clone: (id: string, name?: string) =>
    unwrap(
      api.POST("/api/campaigns/{campaign_id}/clone", {
        params: { path: { campaign_id: id } },
        body: name ? { name } : null,
      }),
    ),
  readiness: (id: string) =>
    unwrap(api.GET("/api/campaigns/{campaign_id}/readiness", { params: { path: { campaign_id: id } } })),
  assignments: (id: string) =>
    unwrap(
      api.GET("/api/campaigns/{campaign_id}/targets", {
        params: { path: { campaign_id: id }, query: { limit: 500 } },
      }),
    ),
  assign: (id: string, body: Schemas["CampaignTargetCreate"]) =>
    unwrap(api.POST("/api/campaigns/{campaign_id}/targets", { params: { path: { campaign_id: id } }, body })),
  updateAssignment: (id: string, targetId: string, body: Schemas["CampaignTargetUpdate"]) =>
    unwrap(
      api.PATCH("/api/campaigns/{campaign_id}/targets/{target_id}", {
        params: { path: { campaign_id: id, target_id: targetId } },
        body,
      }),
    ),
  unassign: (id: string, targetId: string) =>
    unwrap(
      api.DELETE("/api/campaigns/{campaign_id}/targets/{target_id}", {
        params: { path: { campaign_id: id, target_id: targetId } },
      }),
    ),
};

/** Where each status may go next (the API's lifecycle, see campaigns/service.py). */
export const NEXT_STATUSES: Record<CampaignStatus, { status: CampaignStatus; label: string }[]> = {
  draft: [{ status: "active", label: "Activate" }],
  active: [{ status: "paused", label: "Pause" }],
  paused: [{ status: "active", label: "Resume" }],
  archived: [{ status: "paused", label: "Restore (paused)" }],
};

export const STRATEGIES: { value: RoutingStrategy; label: string; hint: string }[] = [
  { value: "priority", label: "Priority", hint: "Lowest priority number first; weights share calls inside a tier" },
  { value: "round_robin", label: "Round robin", hint: "Each call goes to the next target in turn" },
  { value: "weighted", label: "Weighted", hint: "Calls are shared in proportion to the weights" },
  { value: "capacity", label: "Capacity", hint: "The target with the most free concurrency first" },
  { value: "highest_revenue", label: "Highest revenue", hint: "Highest revenue or bid first" },
  { value: "predictive", label: "Predictive", hint: "Highest expected revenue per call first" },
];
