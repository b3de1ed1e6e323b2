"""Cross-tenant cases for reports and the CSV export: a filter naming another account's campaign is
404, as reading the campaign would be (tests/reports/test_isolation.py proves B's figures leave A's calls
out)."""

from __future__ import annotations

from tests.tenancy.cases import Check, Probe, TenantCase
from tests.tenancy.rows import campaign_row

FILTER = "?campaign_id={campaign_id}"

CASES = [
    TenantCase(
        name="report filter",
        create=campaign_row,
        read_path="/api/campaigns/{campaign_id}",
        list_path="/api/campaigns",
        probes=[
            Probe("GET", "/api/reports/summary" + FILTER, Check.READ),
            Probe("GET", "/api/reports/timeline" + FILTER, Check.READ),
            Probe("GET", "/api/calls/export.csv" + FILTER, Check.READ),
        ],
    )
]
