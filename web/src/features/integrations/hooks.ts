import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Schemas } from "@/api/client";
import { useAccountId } from "@/features/auth/hooks";
import { integrationsApi } from "./api";

export function useIntegrations(query: Parameters<typeof integrationsApi.list>[0]) {
  const account = useAccountId();
  return useQuery({
    queryKey: ["integrations", account, "list", query],
    queryFn: () => integrationsApi.list(query),
    placeholderData: keepPreviousData,
  });
}

export function useIntegration(id: string | undefined) {
  const account = useAccountId();
  return useQuery({ queryKey: ["integrations", account, id], queryFn: () => integrationsApi.get(id!), enabled: Boolean(id) });
}

/** The `{token}` names integrations may use, with what each holds; they change only with the server. */
export function useTokens() {
  const account = useAccountId();
  return useQuery({ queryKey: ["integrations", account, "tokens"], queryFn: integrationsApi.tokens, staleTime: Infinity });
}

export function useDeliveries(query: Parameters<typeof integrationsApi.deliveries>[0], enabled = true) {
  const account = useAccountId();
  return useQuery({
    queryKey: ["integrations", account, "deliveries", query],
    queryFn: () => integrationsApi.deliveries(query),
    placeholderData: keepPreviousData,
    enabled,
  });
}

function useInvalidate() {
  const client = useQueryClient();
  const account = useAccountId();
  return () => client.invalidateQueries({ queryKey: ["integrations", account] });
}

export function useCreateIntegration() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: integrationsApi.create, onSuccess: invalidate });
}

export function useUpdateIntegration(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: Schemas["IntegrationUpdate"]) => integrationsApi.update(id, body), onSuccess: invalidate });
}

export function useDeleteIntegration(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: () => integrationsApi.remove(id), onSuccess: invalidate });
}

export function useSendTest(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: Schemas["SendTestRequest"]) => integrationsApi.test(id, body), onSuccess: invalidate });
}
