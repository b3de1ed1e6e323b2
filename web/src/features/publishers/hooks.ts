import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useAccountId } from "@/features/auth/hooks";
import { publishersApi, type PublisherCreate, type PublisherQuery } from "./api";

export function usePublishers(query: PublisherQuery) {
  const account = useAccountId();
  return useQuery({
    queryKey: ["publishers", account, "list", query],
    queryFn: () => publishersApi.list(query),
    placeholderData: keepPreviousData,
  });
}

export function usePublisherOptions() {
  return usePublishers({ limit: 500, sort: "name" });
}

export function usePublisher(id: string) {
  const account = useAccountId();
  return useQuery({ queryKey: ["publishers", account, id], queryFn: () => publishersApi.get(id) });
}

export function usePayouts(id: string) {
  const account = useAccountId();
  return useQuery({ queryKey: ["publishers", account, id, "payouts"], queryFn: () => publishersApi.payouts(id) });
}

function useInvalidate() {
  const client = useQueryClient();
  const account = useAccountId();
  return () => client.invalidateQueries({ queryKey: ["publishers", account] });
}

export function useCreatePublisher() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: publishersApi.create, onSuccess: invalidate });
}

export function useUpdatePublisher(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: PublisherCreate) => publishersApi.update(id, body), onSuccess: invalidate });
}

export function useArchivePublisher(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: () => publishersApi.archive(id), onSuccess: invalidate });
}

export function useSetPayout(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ campaignId, payout }: { campaignId: string; payout: string }) =>
      publishersApi.setPayout(id, campaignId, { payout }),
    onSuccess: invalidate,
  });
}

export function useDeletePayout(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (campaignId: string) => publishersApi.deletePayout(id, campaignId), onSuccess: invalidate });
}
