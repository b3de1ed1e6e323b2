import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useAccountId } from "@/features/auth/hooks";
import { campaignsApi, type CampaignQuery, type CampaignUpdate } from "./api";

export function useCampaignsKey() {
  return ["campaigns", useAccountId()] as const;
}

export function useCampaigns(query: CampaignQuery) {
  const key = useCampaignsKey();
  return useQuery({ queryKey: [...key, "list", query], queryFn: () => campaignsApi.list(query), placeholderData: keepPreviousData });
}

/** Every campaign (up to 500) for pickers: select lists in numbers, pools, filters. */
export function useCampaignOptions() {
  return useCampaigns({ limit: 500, sort: "name" });
}

export function useCampaign(id: string) {
  const key = useCampaignsKey();
  return useQuery({ queryKey: [...key, id], queryFn: () => campaignsApi.get(id) });
}

export function useReadiness(id: string) {
  const key = useCampaignsKey();
  return useQuery({ queryKey: [...key, id, "readiness"], queryFn: () => campaignsApi.readiness(id) });
}

export function useAssignments(id: string) {
  const key = useCampaignsKey();
  return useQuery({ queryKey: [...key, id, "targets"], queryFn: () => campaignsApi.assignments(id) });
}

/** Mutations refresh every campaign query of the account (lists, the campaign, its readiness). */
function useInvalidate() {
  const client = useQueryClient();
  const key = useCampaignsKey();
  return () => client.invalidateQueries({ queryKey: key });
}

export function useCreateCampaign() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: campaignsApi.create, onSuccess: invalidate });
}

export function useUpdateCampaign(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: CampaignUpdate) => campaignsApi.update(id, body), onSuccess: invalidate });
}

export function useArchiveCampaign(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: () => campaignsApi.archive(id), onSuccess: invalidate });
}

export function useCloneCampaign(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (name?: string) => campaignsApi.clone(id, name), onSuccess: invalidate });
}

export function useAssignTarget(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { target_id: string; priority?: number | null; weight?: number | null }) => campaignsApi.assign(id, body),
    onSuccess: invalidate,
  });
}

export function useUpdateAssignment(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ targetId, ...body }: { targetId: string; priority?: number | null; weight?: number | null }) =>
      campaignsApi.updateAssignment(id, targetId, body),
    onSuccess: invalidate,
  });
}

export function useUnassignTarget(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (targetId: string) => campaignsApi.unassign(id, targetId), onSuccess: invalidate });
}

export function useFlowOptions() {
  const account = useAccountId();
  return useQuery({ queryKey: ["flows", account, "options"], queryFn: campaignsApi.flows });
}
