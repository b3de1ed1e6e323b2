import { api, unwrap, type Schemas } from "@/api/client";

export type Bidder = Schemas["BidderRead"];
export type BidderCreate = Schemas["BidderCreate"];
export type TestPing = Schemas["TestPingRead"];
export type CampaignBidder = Schemas["CampaignBidderRead"];
export type Auction = Schemas["AuctionDetail"];
export type BidderAnalytics = Schemas["BidderAnalytics"];

/** The request template's variables (the server refuses any other with a 422 naming it). */
export const TEMPLATE_TOKENS: { token: string; meaning: string }[] = [
  { token: "requestId", meaning: "Unique id of this ping" },
  { token: "campaignId", meaning: "The campaign's id" },
  { token: "callerId", meaning: "The caller's number (E.164)" },
  { token: "callerState", meaning: "The caller's US state" },
  { token: "callerZip", meaning: "The caller's ZIP code" },
  { token: "callStartTime", meaning: "When the call started (ISO 8601)" },
  { token: "minBid", meaning: "The lowest bid accepted" },
  { token: "maxBid", meaning: "The highest bid accepted" },
  { token: "currency", meaning: "The bid currency" },
  { token: "timestamp", meaning: "Now, in seconds since 1970" },
  { token: "isoTimestamp", meaning: "Now, ISO 8601" },
];

export const RESPONSE_PATHS: { field: keyof BidderCreate; label: string; hint: string; required?: boolean }[] = [
  { field: "bid_amount_path", label: "Bid amount", hint: "e.g. bid.amount", required: true },
  { field: "destination_path", label: "Destination", hint: "The number or SIP address to dial", required: true },
  { field: "accepted_path", label: "Accepted flag", hint: "A false value means no bid" },
  { field: "currency_path", label: "Currency", hint: "Checked against the bidder's currency" },
  { field: "duration_path", label: "Required duration", hint: "Seconds the buyer requires" },
  { field: "bid_id_path", label: "Bid id", hint: "The buyer's id for the bid" },
  { field: "expires_path", label: "Expiry", hint: "Seconds or a time; a repeat caller reuses the bid until then" },
];

const bidderPath = (id: string) => ({ path: { bidder_id: id } });

export const rtbApi = {
  list: (query: { q?: string; status?: Schemas["PartyStatus"]; limit?: number; offset?: number; sort?: string }) =>
    unwrap(api.GET("/api/rtb/bidders", { params: { query } })),
  get: (id: string) => unwrap(api.GET("/api/rtb/bidders/{bidder_id}", { params: bidderPath(id) })),
  create: (body: BidderCreate) => unwrap(api.POST("/api/rtb/bidders", { body })),
  update: (id: string, body: Schemas["BidderUpdate"]) =>
    unwrap(api.PATCH("/api/rtb/bidders/{bidder_id}", { params: bidderPath(id), body })),
  archive: (id: string) => unwrap(api.DELETE("/api/rtb/bidders/{bidder_id}", { params: bidderPath(id) })),
  test: (id: string, body: Schemas["TestPingCreate"]) =>
    unwrap(api.POST("/api/rtb/bidders/{bidder_id}/test", { params: bidderPath(id), body })),
  analytics: (id: string) => unwrap(api.GET("/api/rtb/bidders/{bidder_id}/analytics", { params: bidderPath(id) })),
  campaignBidders: (campaignId: string) =>
    unwrap(
      api.GET("/api/campaigns/{campaign_id}/bidders", {
        params: { path: { campaign_id: campaignId }, query: { limit: 500 } },
      }),
    ),
  assign: (campaignId: string, body: Schemas["CampaignBidderCreate"]) =>
    unwrap(api.POST("/api/campaigns/{campaign_id}/bidders", { params: { path: { campaign_id: campaignId } }, body })),
  unassign: (campaignId: string, bidderId: string) =>
    unwrap(
      api.DELETE("/api/campaigns/{campaign_id}/bidders/{bidder_id}", {
        params: { path: { campaign_id: campaignId, bidder_id: bidderId } },
      }),
    ),
  auction: (id: string) => unwrap(api.GET("/api/rtb/auctions/{auction_id}", { params: { path: { auction_id: id } } })),
};
