import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useAccountId } from "@/features/auth/hooks";
import { numbersApi, type NumberQuery, type NumberUpdate } from "./api";

export function useNumbers(query: NumberQuery) {
  const account = useAccountId();
  return useQuery({
    queryKey: ["numbers", account, "list", query],
    queryFn: () => numbersApi.list(query),
    placeholderData: keepPreviousData,
  });
}

/** Numbers, pools and campaigns change each other's views (a campaign's readiness needs a number). */
function useInvalidate() {
  const client = useQueryClient();
  const account = useAccountId();
  return () =>
    Promise.all(["numbers", "pools", "campaigns"].map((domain) => client.invalidateQueries({ queryKey: [domain, account] })));
}

export function useCreateNumber() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: numbersApi.create, onSuccess: invalidate });
}

export function useUpdateNumber() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: NumberUpdate & { id: string }) => numbersApi.update(id, body),
    onSuccess: invalidate,
  });
}

export function useDeleteNumber() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: numbersApi.remove, onSuccess: invalidate });
}
