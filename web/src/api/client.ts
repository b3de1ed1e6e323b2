// The typed API client: paths and bodies come from the app's OpenAPI document (src/api/schema.d.ts is
// generated from it by `npm run api`, which `make web` runs before every build).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

/** One field's message from a 422 answer: `field` is the dotted path (`schedule.weekly.mon.0`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An error answer of the API: `{"error": {"code", "message", "details"}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field errors of a validation answer, by field path; empty for any other error. */
  get fieldErrors(): Record<string, string> {
    if (!Array.isArray(this.details)) return {};
    const errors: Record<string, string> = {};
    for (const item of this.details as FieldProblem[]) {
      if (item && typeof item.field === "string" && !(item.field in errors)) errors[item.field] = item.message;
    }
    return errors;
  }
}

type Listener = () => void;
const sessionExpiredListeners = new Set<Listener>();

/** Called when an authenticated request answers 401: the session expired or was revoked. */
export function onSessionExpired(listener: Listener): () => void {
  sessionExpiredListeners.add(listener);
  return () => sessionExpiredListeners.delete(listener);
}

const sessionWatch: Middleware = {
  onResponse({ request, response }) {
    if (response.status === 401 && !request.url.includes("/api/auth/")) {
      sessionExpiredListeners.forEach((listener) => listener());
    }
    return undefined;
  },
};

export const api = createClient<paths>({
  baseUrl: "",
  // The CSRF guard: cookie-authenticated changes must carry this header (see auth/dependencies.py).
  headers: { "X-Requested-With": "XMLHttpRequest" },
  credentials: "same-origin",
});
api.use(sessionWatch);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError carrying the API's code, message and field errors. */
export async function unwrap<T>(promise: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await promise;
  } catch {
    throw new ApiError(0, "network_error", "The server cannot be reached. Check your connection.", null);
  }
  const { data, error, response } = answer;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  throw new ApiError(
    response.status,
    body.error?.code ?? "http_error",
    body.error?.message ?? `The server answered ${response.status}`,
    body.error?.details ?? null,
  );
}

/** Query-string form of the filters a list page holds (empty values are left out). */
export function queryString(params: Record<string, string | number | boolean | string[] | undefined | null>) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((item) => search.append(key, item));
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
