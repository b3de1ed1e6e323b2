import { api, unwrap, type Schemas } from "@/api/client";

export type Publisher = Schemas["PublisherRead"];
export type PublisherCreate = Schemas["PublisherCreate"];
export type Payout = Schemas["PayoutRead"];

export interface PublisherQuery {
  q?: string;
  limit?: number;
  offset?: number;
  sort?: string;
}

export const publishersApi = {
  list: (query: PublisherQuery) => unwrap(api.GET("/api/publishers", { params: { query } })),
  get: (id: string) => unwrap(api.GET("/api/publishers/{publisher_id}", { params: { path: { publisher_id: id } } })),
  create: (body: PublisherCreate) => unwrap(api.POST("/api/publishers", { body })),
  update: (id: string, body: Schemas["PublisherUpdate"]) =>
    unwrap(api.PATCH("/api/publishers/{publisher_id}", { params: { path: { publisher_id: id } }, body })),
  archive: (id: string) =>
    unwrap(api.DELETE("/api/publishers/{publisher_id}", { params: { path: { publisher_id: id } } })),
  payouts: (id: string) =>
    unwrap(
      api.GET("/api/publishers/{publisher_id}/payouts", {
        params: { path: { publisher_id: id }, query: { limit: 500 } },
      }),
    ),
  setPayout: (id: string, campaignId: string, body: Schemas["PayoutSet"]) =>
    unwrap(
      api.PUT("/api/publishers/{publisher_id}/payouts/{campaign_id}", {
        params: { path: { publisher_id: id, campaign_id: campaignId } },
        body,
      }),
    ),
  deletePayout: (id: string, campaignId: string) =>
    unwrap(
      api.DELETE("/api/publishers/{publisher_id}/payouts/{campaign_id}", {
        params: { path: { publisher_id: id, campaign_id: campaignId } },
      }),
    ),
};
