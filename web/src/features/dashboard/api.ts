import { api, unwrap, type Schemas } from "@/api/client";

export type Summary = Schemas["SummaryRead"];
export type Timeline = Schemas["TimelineRead"];
export type TopRow = Schemas["TopRow"];

export interface ReportQuery {
  start: string;
  end: string;
  timezone: string;
  campaign_id?: string;
}

export const reportsApi = {
  summary: (query: ReportQuery) => unwrap(api.GET("/api/reports/summary", { params: { query } })),
  timeline: (query: ReportQuery & { interval: "hour" | "day" }) =>
    unwrap(api.GET("/api/reports/timeline", { params: { query } })),
};
