"""Ready-made flows to start from. Each one is valid as it stands (it can be published at once); the
phone numbers and messages are placeholders to edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WEEKDAYS_9_TO_5 = {day: [{"start": "09:00", "end": "17:00"}] for day in ("mon", "tue", "wed", "thu", "fri")}


def _node(node_id: str, kind: str, x: float, y: float, **data: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": kind, "position": {"x": x, "y": y}}
    if data:
        node["data"] = data
    return node


def _edge(source: str, target: str, handle: str | None = None, label: str | None = None) -> dict[str, Any]:
    edge: dict[str, Any] = {"id": f"{source}-{handle or 'next'}", "source": source, "target": target}
    if handle is not None:
        edge["source_handle"] = handle
    if label is not None:
        edge["label"] = label
    return edge


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    name: str
    description: str
    graph: dict[str, Any]


TEMPLATES = (
    Template(
        key="sales_support_menu",
        name="Sales and support menu",
        description=(
            "Business hours first; when open, press 1 for sales (the campaign's buyers) or 2 for support "
            "(a fixed number). Silence twice leads to voicemail; after hours callers hear a closed message."
        ),
        graph={
            "nodes": [
                _node("start", "start", 0, 0),
                _node(
                    "hours",
                    "business_hours",
                    0,
                    120,
                    schedule={"timezone": "America/New_York", "weekly": WEEKDAYS_9_TO_5, "holidays": []},
                ),
                _node(
                    "menu",
                    "ivr_menu",
                    -200,
                    260,
                    prompt="Thanks for calling. Press 1 for sales, or 2 for support.",
                    options=[{"key": "1", "label": "Sales"}, {"key": "2", "label": "Support"}],
                    timeout_seconds=5,
                    max_retries=1,
                ),
                _node("sales", "router", -400, 420, message="Connecting you to a sales agent."),
                _node("support", "action", -200, 420, action="transfer", number="+14155550100"),
                _node("voicemail", "action", 0, 420, action="voicemail"),
                _node(
                    "closed",
                    "end",
                    200,
                    260,
                    message="We are closed right now. Please call again during business hours.",
                ),
            ],
            "edges": [
                _edge("start", "hours"),
                _edge("hours", "menu", "open", "Open"),
                _edge("hours", "closed", "closed", "Closed"),
                _edge("menu", "sales", "1", "Sales"),
                _edge("menu", "support", "2", "Support"),
                _edge("menu", "voicemail", "timeout", "No input"),
            ],
        },
    ),
    Template(
        key="after_hours_voicemail",
        name="After-hours voicemail",
        description="Calls during business hours go to the buyers; after hours and on holidays, voicemail.",
        graph={
            "nodes": [
                _node("start", "start", 0, 0),
                _node(
                    "hours",
                    "business_hours",
                    0,
                    120,
                    schedule={"timezone": "America/New_York", "weekly": WEEKDAYS_9_TO_5, "holidays": []},
                ),
                _node("route", "router", -150, 260),
                _node(
                    "voicemail",
                    "action",
                    150,
                    260,
                    action="voicemail",
                    prompt="We are closed. Please leave your name and number after the tone.",
                ),
            ],
            "edges": [
                _edge("start", "hours"),
                _edge("hours", "route", "open", "Open"),
                _edge("hours", "voicemail", "closed", "Closed"),
            ],
        },
    ),
    Template(
        key="zip_qualifier",
        name="ZIP code qualifier",
        description=(
            "Asks for the caller's 5-digit ZIP code; callers in the served area (ZIP 90000-96199) go to the "
            "buyers, the others hear a message."
        ),
        graph={
            "nodes": [
                _node("start", "start", 0, 0),
                _node(
                    "zip",
                    "gather",
                    0,
                    120,
                    prompt="Please enter your five digit ZIP code.",
                    variable="zip",
                    num_digits=5,
                    pattern="[0-9]{5}",
                    max_retries=2,
                ),
                _node(
                    "served",
                    "condition",
                    0,
                    260,
                    expression="gathered.zip >= 90000 and gathered.zip <= 96199",
                ),
                _node("route", "router", -150, 400, message="Great, connecting you now."),
                _node("outside", "end", 150, 400, message="Sorry, we do not serve your area yet. Goodbye."),
            ],
            "edges": [
                _edge("start", "zip"),
                _edge("zip", "served", "success"),
                _edge("zip", "route", "timeout", "No entry"),
                _edge("served", "route", "yes", "Served"),
                _edge("served", "outside", "no", "Not served"),
            ],
        },
    ),
    Template(
        key="ab_greeting_test",
        name="A/B greeting test",
        description="Half the callers hear greeting A, half greeting B, then everyone goes to the buyers.",
        graph={
            "nodes": [
                _node("start", "start", 0, 0),
                _node(
                    "split",
                    "splitter",
                    0,
                    120,
                    strategy="percentage",
                    branches=[{"key": "a", "percentage": 50}, {"key": "b", "percentage": 50}],
                ),
                _node("greeting_a", "play", -150, 260, text="Thanks for calling! One moment please."),
                _node("greeting_b", "play", 150, 260, text="Hello! Connecting you with an expert."),
                _node("route", "router", 0, 400),
            ],
            "edges": [
                _edge("start", "split"),
                _edge("split", "greeting_a", "a", "A"),
                _edge("split", "greeting_b", "b", "B"),
                _edge("greeting_a", "route"),
                _edge("greeting_b", "route"),
            ],
        },
    ),
)
BY_KEY = {template.key: template for template in TEMPLATES}
STARTER_GRAPH: dict[str, Any] = {"nodes": [_node("start", "start", 0, 0)], "edges": []}
"""A new flow without a graph or template: just its start node."""
