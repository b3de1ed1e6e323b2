import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useAccountId } from "@/features/auth/hooks";
import { poolsApi, type PoolCreate, type PoolQuery } from "./api";

export function usePools(query: PoolQuery) {
  const account = useAccountId();
  return useQuery({ queryKey: ["pools", account, "list", query], queryFn: () => poolsApi.list(query), placeholderData: keepPreviousData });
}

export function usePoolOptions() {
  return usePools({ limit: 500, sort: "name" });
}

export function usePool(id: string) {
  const account = useAccountId();
  return useQuery({ queryKey: ["pools", account, id], queryFn: () => poolsApi.get(id) });
}

export function usePoolNumbers(id: string, offset: number) {
  const account = useAccountId();
  return useQuery({
    queryKey: ["pools", account, id, "numbers", offset],
    queryFn: () => poolsApi.numbers(id, offset),
    placeholderData: keepPreviousData,
  });
}

export function usePoolHealth(id: string, hours: number) {
  const account = useAccountId();
  return useQuery({ queryKey: ["pools", account, id, "health", hours], queryFn: () => poolsApi.health(id, hours) });
}

function useInvalidate() {
  const client = useQueryClient();
  const account = useAccountId();
  return () =>
    Promise.all(["pools", "numbers", "campaigns"].map((domain) => client.invalidateQueries({ queryKey: [domain, account] })));
}

export function useCreatePool() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: poolsApi.create, onSuccess: invalidate });
}

export function useUpdatePool(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: PoolCreate) => poolsApi.update(id, body), onSuccess: invalidate });
}

export function useDeletePool(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: () => poolsApi.remove(id), onSuccess: invalidate });
}

export function useAddPoolNumbers(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (numberIds: string[]) => poolsApi.addNumbers(id, numberIds), onSuccess: invalidate });
}

export function useRemovePoolNumber(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (numberId: string) => poolsApi.removeNumber(id, numberId), onSuccess: invalidate });
}
