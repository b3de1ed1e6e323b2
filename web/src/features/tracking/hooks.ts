import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Schemas } from "@/api/client";
import { useAccountId } from "@/features/auth/hooks";
import { tagsApi } from "./api";

export function useTags(query: Parameters<typeof tagsApi.list>[0]) {
  const account = useAccountId();
  return useQuery({ queryKey: ["tracking-tags", account, query], queryFn: () => tagsApi.list(query), placeholderData: keepPreviousData });
}

function useInvalidate() {
  const client = useQueryClient();
  const account = useAccountId();
  return () => client.invalidateQueries({ queryKey: ["tracking-tags", account] });
}

export function useCreateTag() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: tagsApi.create, onSuccess: invalidate });
}

export function useUpdateTag() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: ({ id, ...body }: Schemas["TagUpdate"] & { id: string }) => tagsApi.update(id, body), onSuccess: invalidate });
}

export function useDeleteTag() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: tagsApi.remove, onSuccess: invalidate });
}
