import { api, unwrap, type Schemas } from "@/api/client";

export type Pool = Schemas["PoolRead"];
export type PoolCreate = Schemas["PoolCreate"];
export type PoolHealth = Schemas["PoolHealth"];
export type OverflowPolicy = Schemas["OverflowPolicy"];

export interface PoolQuery {
  q?: string;
  campaign_id?: string;
  limit?: number;
  offset?: number;
  sort?: string;
}

const path = (id: string) => ({ path: { pool_id: id } });

export const poolsApi = {
  list: (query: PoolQuery) => unwrap(api.GET("/api/pools", { params: { query } })),
  get: (id: string) => unwrap(api.GET("/api/pools/{pool_id}", { params: path(id) })),
  create: (body: PoolCreate) => unwrap(api.POST("/api/pools", { body })),
  update: (id: string, body: Schemas["PoolUpdate"]) => unwrap(api.PATCH("/api/pools/{pool_id}", { params: path(id), body })),
  remove: (id: string) => unwrap(api.DELETE("/api/pools/{pool_id}", { params: path(id) })),
  numbers: (id: string, offset: number) =>
    unwrap(api.GET("/api/pools/{pool_id}/numbers", { params: { ...path(id), query: { limit: 25, offset } } })),
  addNumbers: (id: string, numberIds: string[]) =>
    unwrap(api.POST("/api/pools/{pool_id}/numbers", { params: path(id), body: { number_ids: numberIds } })),
  removeNumber: (id: string, numberId: string) =>
    unwrap(
      api.DELETE("/api/pools/{pool_id}/numbers/{number_id}", { params: { path: { pool_id: id, number_id: numberId } } }),
    ),
  health: (id: string, hours: number) =>
    unwrap(api.GET("/api/pools/{pool_id}/health", { params: { ...path(id), query: { hours } } })),
};
