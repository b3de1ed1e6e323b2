import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { ApiError } from "@/api/client";
import { EmptyState } from "@/components/EmptyState";
import { Loading } from "@/components/Spinner";
import { ToastProvider } from "@/components/Toast";
import { LoginPage } from "@/features/auth/components/LoginPage";
import { AuthGate } from "./AuthGate";
import { Layout } from "./Layout";

// Each area loads on first visit, so the first page (and the login) stays small.
const page = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazy(() => load().then((module) => ({ default: module[name] })));

const DashboardPage = page(() => import("@/features/dashboard/components/DashboardPage"), "DashboardPage");
const CampaignsPage = page(() => import("@/features/campaigns/components/CampaignsPage"), "CampaignsPage");
const CampaignPage = page(() => import("@/features/campaigns/components/CampaignPage"), "CampaignPage");
const CampaignSettings = page(() => import("@/features/campaigns/components/CampaignSettings"), "CampaignSettings");
const CampaignRouting = page(() => import("@/features/campaigns/components/CampaignRouting"), "CampaignRouting");
const CampaignNumbers = page(() => import("@/features/campaigns/components/CampaignNumbers"), "CampaignNumbers");
const BuyersPage = page(() => import("@/features/buyers/components/BuyersPage"), "BuyersPage");
const BuyerPage = page(() => import("@/features/buyers/components/BuyerPage"), "BuyerPage");
const TargetPage = page(() => import("@/features/buyers/components/TargetPage"), "TargetPage");
const PublishersPage = page(() => import("@/features/publishers/components/PublishersPage"), "PublishersPage");
const PublisherPage = page(() => import("@/features/publishers/components/PublishersPage"), "PublisherPage");
const NumbersPage = page(() => import("@/features/numbers/components/NumbersPage"), "NumbersPage");
const PoolsPage = page(() => import("@/features/pools/components/PoolsPage"), "PoolsPage");
const PoolPage = page(() => import("@/features/pools/components/PoolPage"), "PoolPage");
const CallLogsPage = page(() => import("@/features/calls/components/CallLogsPage"), "CallLogsPage");
const SettingsPage = page(() => import("@/features/settings/components/SettingsPage"), "SettingsPage");
const BiddersPage = page(() => import("@/features/rtb/components/BiddersPage"), "BiddersPage");
const TrackingTagsPage = page(() => import("@/features/tracking/components/TrackingTagsPage"), "TrackingTagsPage");
const IntegrationsPage = page(() => import("@/features/integrations/components/IntegrationsPage"), "IntegrationsPage");

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Client errors (404, 422, 401) are answers, not glitches: asking again would not change them.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

function NotFound() {
  return <EmptyState title="This page does not exist">Use the navigation on the left to find your way.</EmptyState>;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <BrowserRouter>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                element={
                  <AuthGate>
                    <Layout />
                  </AuthGate>
                }
              >
                <Route index element={<DashboardPage />} />
                <Route path="campaigns" element={<CampaignsPage />} />
                <Route path="campaigns/:campaignId" element={<CampaignPage />}>
                  <Route index element={<CampaignSettings />} />
                  <Route path="routing" element={<CampaignRouting />} />
                  <Route path="numbers" element={<CampaignNumbers />} />
                </Route>
                <Route path="buyers" element={<BuyersPage />} />
                <Route path="buyers/:buyerId" element={<BuyerPage />} />
                <Route path="buyers/:buyerId/targets/new" element={<TargetPage />} />
                <Route path="targets/:targetId" element={<TargetPage />} />
                <Route path="publishers" element={<PublishersPage />} />
                <Route path="publishers/:publisherId" element={<PublisherPage />} />
                <Route path="rtb/*" element={<BiddersPage />} />
                <Route path="numbers" element={<NumbersPage />} />
                <Route path="pools" element={<PoolsPage />} />
                <Route path="pools/:poolId" element={<PoolPage />} />
                <Route path="tracking-tags/*" element={<TrackingTagsPage />} />
                <Route path="integrations/*" element={<IntegrationsPage />} />
                <Route path="calls" element={<CallLogsPage />} />
                <Route path="settings" element={<SettingsPage />} />
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
