import { api, unwrap, type Schemas } from "@/api/client";

export type Tag = Schemas["TagRead"];
export type TagCreate = Schemas["TagCreate"];
export type NumberFormat = Schemas["NumberFormat"];

export const NUMBER_FORMATS: { value: NumberFormat; label: string }[] = [
  { value: "page", label: "As on the page (digit for digit)" },
  { value: "national", label: "(415) 555-0123" },
  { value: "dashes", label: "415-555-0123" },
  { value: "dots", label: "415.555.0123" },
  { value: "e164", label: "+14155550123" },
  { value: "international", label: "+1 415-555-0123" },
];

const tagPath = (id: string) => ({ path: { tag_id: id } });

export const tagsApi = {
  list: (query: { q?: string; limit?: number; offset?: number; sort?: string }) =>
    unwrap(api.GET("/api/tracking-tags", { params: { query } })),
  create: (body: TagCreate) => unwrap(api.POST("/api/tracking-tags", { body })),
  update: (id: string, body: Schemas["TagUpdate"]) =>
    unwrap(api.PATCH("/api/tracking-tags/{tag_id}", { params: tagPath(id), body })),
  remove: (id: string) => unwrap(api.DELETE("/api/tracking-tags/{tag_id}", { params: tagPath(id) })),
};
