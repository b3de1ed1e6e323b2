import { api, unwrap, type Schemas } from "@/api/client";

export type CurrentUser = Schemas["CurrentUser"];
export type LoginRequest = Schemas["LoginRequest"];

export const authApi = {
  user: () => unwrap(api.GET("/api/auth/user")),
  login: (body: LoginRequest) => unwrap(api.POST("/api/auth/login", { body })),
  logout: () => unwrap(api.POST("/api/auth/logout")),
};
