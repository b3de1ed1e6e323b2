import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useAccountId } from "@/features/auth/hooks";
import { buyersApi, targetsApi, type BuyerUpdate, type PartyQuery, type TargetUpdate } from "./api";

export function useBuyers(query: PartyQuery) {
  const account = useAccountId();
  return useQuery({ queryKey: ["buyers", account, "list", query], queryFn: () => buyersApi.list(query), placeholderData: keepPreviousData });
}

export function useBuyerOptions() {
  return useBuyers({ limit: 500, sort: "name" });
}

export function useBuyer(id: string) {
  const account = useAccountId();
  return useQuery({ queryKey: ["buyers", account, id], queryFn: () => buyersApi.get(id), enabled: Boolean(id) });
}

export function useBuyerTargets(id: string, query: PartyQuery) {
  const account = useAccountId();
  return useQuery({
    queryKey: ["targets", account, "buyer", id, query],
    queryFn: () => buyersApi.targets(id, query),
    placeholderData: keepPreviousData,
  });
}

/** Every target (up to 500) for pickers, e.g. assigning targets to a campaign. */
export function useTargetOptions() {
  const account = useAccountId();
  const query = { limit: 500, sort: "name" };
  return useQuery({ queryKey: ["targets", account, "list", query], queryFn: () => targetsApi.list(query) });
}

export function useTarget(id: string | undefined) {
  const account = useAccountId();
  return useQuery({ queryKey: ["targets", account, id], queryFn: () => targetsApi.get(id!), enabled: Boolean(id) });
}

/** Buyers and targets change each other's views (a buyer's target list; a campaign's assignments). */
function useInvalidate() {
  const client = useQueryClient();
  const account = useAccountId();
  return () =>
    Promise.all(
      ["buyers", "targets", "campaigns"].map((domain) => client.invalidateQueries({ queryKey: [domain, account] })),
    );
}

export function useCreateBuyer() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: buyersApi.create, onSuccess: invalidate });
}

export function useUpdateBuyer(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: BuyerUpdate) => buyersApi.update(id, body), onSuccess: invalidate });
}

export function useArchiveBuyer(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: () => buyersApi.archive(id), onSuccess: invalidate });
}

export function useCreateTarget() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: targetsApi.create, onSuccess: invalidate });
}

export function useUpdateTarget(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: TargetUpdate) => targetsApi.update(id, body), onSuccess: invalidate });
}

export function useArchiveTarget(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: () => targetsApi.archive(id), onSuccess: invalidate });
}
