import { api, unwrap, type Schemas } from "@/api/client";

export type Buyer = Schemas["BuyerRead"];
export type BuyerCreate = Schemas["BuyerCreate"];
export type BuyerUpdate = Schemas["BuyerUpdate"];
export type Target = Schemas["TargetRead"];
export type TargetCreate = Schemas["TargetCreate"];
export type TargetUpdate = Schemas["TargetUpdate"];
export type Schedule = Schemas["Schedule"];
export type PartyStatus = Schemas["PartyStatus"];

export interface PartyQuery {
  q?: string;
  status?: PartyStatus;
  limit?: number;
  offset?: number;
  sort?: string;
}

export const buyersApi = {
  list: (query: PartyQuery) => unwrap(api.GET("/api/buyers", { params: { query } })),
  get: (id: string) => unwrap(api.GET("/api/buyers/{buyer_id}", { params: { path: { buyer_id: id } } })),
  create: (body: BuyerCreate) => unwrap(api.POST("/api/buyers", { body })),
  update: (id: string, body: BuyerUpdate) =>
    unwrap(api.PATCH("/api/buyers/{buyer_id}", { params: { path: { buyer_id: id } }, body })),
  archive: (id: string) => unwrap(api.DELETE("/api/buyers/{buyer_id}", { params: { path: { buyer_id: id } } })),
  targets: (id: string, query: PartyQuery) =>
    unwrap(api.GET("/api/buyers/{buyer_id}/targets", { params: { path: { buyer_id: id }, query } })),
};

export const targetsApi = {
  list: (query: PartyQuery & { buyer_id?: string }) => unwrap(api.GET("/api/targets", { params: { query } })),
  get: (id: string) => unwrap(api.GET("/api/targets/{target_id}", { params: { path: { target_id: id } } })),
  create: (body: TargetCreate) => unwrap(api.POST("/api/targets", { body })),
  update: (id: string, body: TargetUpdate) =>
    unwrap(api.PATCH("/api/targets/{target_id}", { params: { path: { target_id: id } }, body })),
  archive: (id: string) => unwrap(api.DELETE("/api/targets/{target_id}", { params: { path: { target_id: id } } })),
};
