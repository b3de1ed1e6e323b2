import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Schemas } from "@/api/client";
import { useAccountId } from "@/features/auth/hooks";
import { settingsApi } from "./api";

export function useUsers(offset: number) {
  const account = useAccountId();
  return useQuery({ queryKey: ["users", account, offset], queryFn: () => settingsApi.users(offset), placeholderData: keepPreviousData, retry: false });
}

export function useApiKeys(offset: number) {
  const account = useAccountId();
  return useQuery({ queryKey: ["api-keys", account, offset], queryFn: () => settingsApi.apiKeys(offset), placeholderData: keepPreviousData, retry: false });
}

function useInvalidate(domain: string) {
  const client = useQueryClient();
  const account = useAccountId();
  return () => client.invalidateQueries({ queryKey: [domain, account] });
}

export function useCreateUser() {
  const invalidate = useInvalidate("users");
  return useMutation({ mutationFn: settingsApi.createUser, onSuccess: invalidate });
}

export function useUpdateUser() {
  const invalidate = useInvalidate("users");
  return useMutation({
    mutationFn: ({ id, ...body }: Schemas["UserUpdate"] & { id: string }) => settingsApi.updateUser(id, body),
    onSuccess: invalidate,
  });
}

export function useDeleteUser() {
  const invalidate = useInvalidate("users");
  return useMutation({ mutationFn: settingsApi.deleteUser, onSuccess: invalidate });
}

export function useCreateApiKey() {
  const invalidate = useInvalidate("api-keys");
  return useMutation({ mutationFn: settingsApi.createApiKey, onSuccess: invalidate });
}

export function useRevokeApiKey() {
  const invalidate = useInvalidate("api-keys");
  return useMutation({ mutationFn: settingsApi.revokeApiKey, onSuccess: invalidate });
}
