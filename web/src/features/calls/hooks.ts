import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useAccountId } from "@/features/auth/hooks";
import { callsApi, type CallQuery } from "./api";

export function useCalls(query: CallQuery) {
  const account = useAccountId();
  return useQuery({
    queryKey: ["calls", account, "list", query],
    queryFn: () => callsApi.list(query),
    placeholderData: keepPreviousData,
  });
}

export function useCall(id: string) {
  const account = useAccountId();
  return useQuery({ queryKey: ["calls", account, id], queryFn: () => callsApi.get(id) });
}
