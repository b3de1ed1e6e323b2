import { api, ApiError, unwrap, type Schemas } from "@/api/client";

export type Call = Schemas["CallRead"];
export type CallDetail = Schemas["CallDetail"];
export type CallStatus = Schemas["CallStatus"];
export type JourneyEvent = Schemas["JourneyEvent"];

export interface CallQuery {
  campaign_id?: string;
  target_id?: string;
  buyer_id?: string;
  publisher_id?: string;
  status?: CallStatus[];
  caller?: string;
  started_from?: string;
  started_to?: string;
  converted?: boolean;
  duplicate?: boolean;
  limit?: number;
  offset?: number;
  sort?: string;
}

export const CALL_STATUSES: CallStatus[] = [
  "ringing",
  "in_progress",
  "completed",
  "no_answer",
  "busy",
  "failed",
  "canceled",
  "rejected",
];

export const callsApi = {
  list: (query: CallQuery) => unwrap(api.GET("/api/calls", { params: { query } })),
  get: (id: string) => unwrap(api.GET("/api/calls/{call_id}", { params: { path: { call_id: id } } })),
};

/**
 * Downloads the CSV export of the calls `query` selects, reporting the bytes received as they arrive
 * (a large export takes a while to build and to download).
 */
export async function downloadExport(search: string, onProgress: (bytes: number) => void): Promise<Blob> {
  const response = await fetch(`/api/calls/export.csv${search}`, { credentials: "same-origin" });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: unknown } };
    throw new ApiError(response.status, body.error?.code ?? "http_error", body.error?.message ?? "The export failed", body.error?.details);
  }
  const reader = response.body?.getReader();
  if (!reader) return response.blob();
  const chunks: BlobPart[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress(received);
  }
  return new Blob(chunks, { type: "text/csv" });
}
