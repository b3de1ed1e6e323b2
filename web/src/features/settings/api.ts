import { api, unwrap, type Schemas } from "@/api/client";

export type User = Schemas["UserRead"];
export type UserCreate = Schemas["UserCreate"];
export type ApiKey = Schemas["ApiKeyRead"];
export type ApiKeyCreated = Schemas["ApiKeyCreated"];
export type Role = Schemas["Role"];

export const ROLES: { value: Role; label: string; hint: string }[] = [
  { value: "owner", label: "Owner", hint: "Everything, including users and API keys" },
  { value: "admin", label: "Admin", hint: "Everything, including users and API keys" },
  { value: "manager", label: "Manager", hint: "Configuration and reports" },
  { value: "reporting", label: "Reporting", hint: "Reads configuration, calls and reports" },
  { value: "publisher", label: "Publisher", hint: "Calls and reports only" },
];

export const settingsApi = {
  users: (offset: number) => unwrap(api.GET("/api/users", { params: { query: { limit: 50, offset } } })),
  createUser: (body: UserCreate) => unwrap(api.POST("/api/users", { body })),
  updateUser: (id: string, body: Schemas["UserUpdate"]) =>
    unwrap(api.PATCH("/api/users/{user_id}", { params: { path: { user_id: id } }, body })),
  deleteUser: (id: string) => unwrap(api.DELETE("/api/users/{user_id}", { params: { path: { user_id: id } } })),
  apiKeys: (offset: number) => unwrap(api.GET("/api/api-keys", { params: { query: { limit: 50, offset } } })),
  createApiKey: (body: Schemas["ApiKeyCreate"]) => unwrap(api.POST("/api/api-keys", { body })),
  revokeApiKey: (id: string) => unwrap(api.DELETE("/api/api-keys/{key_id}", { params: { path: { key_id: id } } })),
};
