import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Schemas } from "@/api/client";
import { useAccountId } from "@/features/auth/hooks";
import { rtbApi } from "./api";

type ListQuery = Parameters<typeof rtbApi.list>[0];

export function useBidders(query: ListQuery) {
  const account = useAccountId();
  return useQuery({ queryKey: ["rtb", account, "list", query], queryFn: () => rtbApi.list(query), placeholderData: keepPreviousData });
}

export function useBidder(id: string | undefined) {
  const account = useAccountId();
  return useQuery({ queryKey: ["rtb", account, id], queryFn: () => rtbApi.get(id!), enabled: Boolean(id) });
}

export function useBidderAnalytics(id: string) {
  const account = useAccountId();
  return useQuery({ queryKey: ["rtb", account, id, "analytics"], queryFn: () => rtbApi.analytics(id) });
}

export function useCampaignBidders(campaignId: string) {
  const account = useAccountId();
  return useQuery({ queryKey: ["rtb", account, "campaign", campaignId], queryFn: () => rtbApi.campaignBidders(campaignId) });
}

export function useAuction(id: string | null | undefined) {
  const account = useAccountId();
  return useQuery({ queryKey: ["rtb", account, "auction", id], queryFn: () => rtbApi.auction(id!), enabled: Boolean(id) });
}

function useInvalidate() {
  const client = useQueryClient();
  const account = useAccountId();
  return () => Promise.all(["rtb", "campaigns"].map((domain) => client.invalidateQueries({ queryKey: [domain, account] })));
}

export function useCreateBidder() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: rtbApi.create, onSuccess: invalidate });
}

export function useUpdateBidder(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: Schemas["BidderUpdate"]) => rtbApi.update(id, body), onSuccess: invalidate });
}

export function useArchiveBidder(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: () => rtbApi.archive(id), onSuccess: invalidate });
}

/** A test ping changes nothing: it shows what would be sent and how the answer would be read. */
export function useTestPing(id: string) {
  return useMutation({ mutationFn: (body: Schemas["TestPingCreate"]) => rtbApi.test(id, body) });
}

export function useAssignBidder(campaignId: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: Schemas["CampaignBidderCreate"]) => rtbApi.assign(campaignId, body), onSuccess: invalidate });
}

export function useUnassignBidder(campaignId: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (bidderId: string) => rtbApi.unassign(campaignId, bidderId), onSuccess: invalidate });
}
