import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { authApi, type LoginRequest } from "./api";

export const USER_KEY = ["auth", "user"] as const;

/** The signed-in user, or an ApiError 401 when nobody is. */
export function useCurrentUser() {
  return useQuery({ queryKey: USER_KEY, queryFn: authApi.user, retry: false, staleTime: 5 * 60_000 });
}

/** The account every query key is scoped by: `[domain, accountId, ...]`. */
export function useAccountId(): string {
  return useCurrentUser().data?.account_id ?? "none";
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => authApi.login(body),
    onSuccess: (user) => {
      client.clear();
      client.setQueryData(USER_KEY, user);
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: authApi.logout,
    onSettled: () => client.clear(),
  });
}
