import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useAccountId } from "@/features/auth/hooks";
import { reportsApi, type ReportQuery } from "./api";

/** Dashboard figures refresh every 30 seconds so live calls and today's totals stay current. */
const REFRESH_MS = 30_000;

export function useSummary(query: ReportQuery) {
  const account = useAccountId();
  return useQuery({
    queryKey: ["reports", account, "summary", query],
    queryFn: () => reportsApi.summary(query),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}

export function useTimeline(query: ReportQuery, interval: "hour" | "day") {
  const account = useAccountId();
  return useQuery({
    queryKey: ["reports", account, "timeline", interval, query],
    queryFn: () => reportsApi.timeline({ ...query, interval }),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}
