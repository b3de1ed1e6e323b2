import { api, unwrap, type Schemas } from "@/api/client";

export type PhoneNumber = Schemas["NumberRead"];
export type NumberCreate = Schemas["NumberCreate"];
export type NumberUpdate = Schemas["NumberUpdate"];

export interface NumberQuery {
  campaign_id?: string;
  pool_id?: string;
  publisher_id?: string;
  unassigned?: boolean;
  q?: string;
  limit?: number;
  offset?: number;
  sort?: string;
}

export const numbersApi = {
  list: (query: NumberQuery) => unwrap(api.GET("/api/numbers", { params: { query } })),
  create: (body: NumberCreate) => unwrap(api.POST("/api/numbers", { body })),
  update: (id: string, body: NumberUpdate) =>
    unwrap(api.PATCH("/api/numbers/{number_id}", { params: { path: { number_id: id } }, body })),
  remove: (id: string) => unwrap(api.DELETE("/api/numbers/{number_id}", { params: { path: { number_id: id } } })),
};
