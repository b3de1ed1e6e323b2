import { api, unwrap, type Schemas } from "@/api/client";

export type Integration = Schemas["IntegrationRead"];
export type IntegrationCreate = Schemas["IntegrationCreate"];
export type IntegrationKind = Schemas["IntegrationKind"];
export type CallEventName = Schemas["CallEventName"];
export type Delivery = Schemas["DeliveryRead"];
export type Token = Schemas["TokenRead"];

export const EVENTS: { value: CallEventName; label: string }[] = [
  { value: "incoming", label: "Incoming (call arrives)" },
  { value: "routed", label: "Routed (a target is dialed)" },
  { value: "answered", label: "Answered" },
  { value: "converted", label: "Converted" },
  { value: "completed", label: "Completed (call ended)" },
  { value: "failed", label: "Failed (nobody answered)" },
];

const path = (id: string) => ({ path: { integration_id: id } });

export const integrationsApi = {
  list: (query: { campaign_id?: string; kind?: IntegrationKind; limit?: number; offset?: number }) =>
    unwrap(api.GET("/api/integrations", { params: { query } })),
  get: (id: string) => unwrap(api.GET("/api/integrations/{integration_id}", { params: path(id) })),
  create: (body: IntegrationCreate) => unwrap(api.POST("/api/integrations", { body })),
  update: (id: string, body: Schemas["IntegrationUpdate"]) =>
    unwrap(api.PATCH("/api/integrations/{integration_id}", { params: path(id), body })),
  remove: (id: string) => unwrap(api.DELETE("/api/integrations/{integration_id}", { params: path(id) })),
  test: (id: string, body: Schemas["SendTestRequest"]) =>
    unwrap(api.POST("/api/integrations/{integration_id}/test", { params: path(id), body })),
  tokens: () => unwrap(api.GET("/api/integration-tokens")),
  deliveries: (query: { integration_id?: string; call_id?: string; offset?: number; limit?: number }) =>
    unwrap(api.GET("/api/deliveries", { params: { query } })),
};
