"""Cross-tenant cases for bidders, their campaign assignments, test pings, analytics and auctions."""

from __future__ import annotations

from typing import Any

from callcenter.app import close_outbound_clients
from callcenter.settings import Settings
from callcenter.telephony.emulator import TwilioEmulator
from tests.factories import LoggedIn, api_client
from tests.tenancy.cases import Check, Probe, Row, TenantCase, created
from tests.tenancy.rows import campaign_row, target_row

# Nothing listens on the discard port: a ping is refused at once, so an auction is quick and recorded.
UNREACHABLE = "http://127.0.0.1:9/bid"


async def bidder_row(logged_in: LoggedIn) -> Row:
    bidder_id = await created(
        logged_in, "/api/rtb/bidders", {"name": "Tenant bidder", "endpoint_url": UNREACHABLE}
    )
    return {"id": bidder_id, "bidder_id": bidder_id}


async def _assignment(owner: LoggedIn) -> Row:
    campaign = await campaign_row(owner)
    bidder = await bidder_row(owner)
    link_id = await created(
        owner, f"/api/campaigns/{campaign['campaign_id']}/bidders", {"bidder_id": bidder["bidder_id"]}
    )
    return {**campaign, **bidder, "id": link_id}


async def _campaign_and_bidder(owner: LoggedIn) -> Row:
    return {**await campaign_row(owner), **await bidder_row(owner)}


async def _auction(owner: LoggedIn) -> Row:
    """A real call on an RTB campaign of account A, through the webhooks: its auction."""
    client = owner.client
    row = await _assignment(owner)
    campaign_id = row["campaign_id"]
    await client.patch(
        f"/api/campaigns/{campaign_id}",
        json={"status": "active", "rtb_enabled": True, "auction_timeout_ms": 200},
    )
    target = await target_row(owner)
    await created(owner, f"/api/campaigns/{campaign_id}/targets", {"target_id": target["target_id"]})
    number = "+14155550177"
    await created(owner, "/api/numbers", {"number": number, "campaign_id": campaign_id})
    settings: Settings = owner.app.state.settings
    async with api_client(owner.app) as twilio_client:
        emulator = TwilioEmulator(
            twilio_client, public_url=settings.public_url, auth_token=settings.twilio_signing_token()
        )
        await emulator.call(to=number, from_="+12125550100")
    await close_outbound_clients(owner.app)
    auctions = (await client.get("/api/rtb/auctions")).json()["items"]
    assert len(auctions) == 1, auctions
    return {"id": auctions[0]["id"], "auction_id": auctions[0]["id"]}


def _same_bidder(row: Row, _: Row) -> dict[str, Any]:
    return {"bidder_id": row["bidder_id"], "min_bid": "1"}


def _with_campaign(row: Row, _: Row) -> dict[str, Any]:
    return {"campaign_id": row["campaign_id"]}


BIDDER = "/api/rtb/bidders/{bidder_id}"
ASSIGNMENTS = "/api/campaigns/{campaign_id}/bidders"
ASSIGNMENT = ASSIGNMENTS + "/{bidder_id}"
AUCTION = "/api/rtb/auctions/{auction_id}"
CASES = [
    TenantCase(
        name="rtb_bidder",
        create=bidder_row,
        read_path=BIDDER,
        list_path="/api/rtb/bidders",
        probes=[
            Probe("GET", BIDDER, Check.READ),
            Probe("PATCH", BIDDER, Check.CHANGE, body={"name": "hijacked", "min_bid": "99"}),
            Probe("DELETE", BIDDER, Check.DELETE),
            Probe("GET", "/api/rtb/bidders", Check.LIST),
            Probe(
                "POST",
                "/api/rtb/bidders",
                Check.CREATE_OWN,
                body={"name": "Tenant B bidder", "endpoint_url": UNREACHABLE},
            ),
            Probe("POST", BIDDER + "/test", Check.READ, body={}),
            Probe("GET", BIDDER + "/analytics", Check.READ),
            Probe("GET", "/api/rtb/analytics", Check.LIST),
        ],
    ),
    TenantCase(
        name="rtb_campaign_bidder",
        create=_assignment,
        read_path=ASSIGNMENT,
        list_path=ASSIGNMENTS,
        probes=[
            Probe("GET", ASSIGNMENTS, Check.READ),
            Probe("POST", ASSIGNMENTS, Check.CHANGE, body=_same_bidder),
            Probe("GET", ASSIGNMENT, Check.READ),
            Probe("PATCH", ASSIGNMENT, Check.CHANGE, body={"min_bid": "50"}),
            Probe("DELETE", ASSIGNMENT, Check.DELETE),
        ],
    ),
    TenantCase(
        name="rtb_bidder_used_by_other_account",
        create=_campaign_and_bidder,
        read_path=BIDDER,
        list_path="/api/rtb/bidders",
        probes=[
            # B assigns A's bidder to B's campaign, and test-pings B's bidder with A's campaign floor.
            Probe("POST", "/api/campaigns/{other_campaign_id}/bidders", Check.REFERENCE, body=_same_bidder),
            Probe("POST", "/api/rtb/bidders/{other_bidder_id}/test", Check.REFERENCE, body=_with_campaign),
        ],
        create_other=_campaign_and_bidder,
        other_read_path="/api/campaigns/{other_campaign_id}/bidders",
    ),
    TenantCase(
        name="rtb_auction",
        create=_auction,
        read_path=AUCTION,
        list_path="/api/rtb/auctions",
        probes=[
            Probe("GET", AUCTION, Check.READ),
            Probe("GET", "/api/rtb/auctions", Check.LIST),
        ],
    ),
]
