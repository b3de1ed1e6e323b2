"""The vocabulary of cross-tenant cases.

A domain describes, in its ``tests/<domain>/tenant_cases.py`` (a module-level ``CASES`` list), how to
create one of its rows as account A and which routes account B will try against it. The suite then
proves, for every case, that B can neither read, list, change nor delete A's row, and, for every
authenticated route of the app, that some case covers it: a new route without a case fails the suite.

REFERENCE probes need rows of B's own as well ("B assigns A's target to B's campaign"): a case creates
them with ``create_other``, which gets B's logged-in owner. Each side's row is a dict of placeholders:

- paths use A's keys as they are (``{campaign_id}``) and B's keys prefixed with ``other_``
  (``{other_campaign_id}``); a probe's route is its path without those prefixes;
- a body given as a callable gets both dicts, A's row first: ``lambda row, other: {...}``;
- ``other_read_path`` is where B reads its own row back: it must be unchanged too, since a refused
  reference writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tests.factories import LoggedIn

Row = dict[str, Any]
"""A created row's placeholders: ``id`` (what must never leak) and ``<kind>_id`` keys for paths."""


class Check(StrEnum):
    READ = "read"  # B gets 404
    LIST = "list"  # A's row is not among B's items
    CHANGE = "change"  # B gets 404 and A's row is unchanged
    DELETE = "delete"  # B gets 404 and A's row still exists
    CREATE_OWN = "create_own"  # B's new row lands in B's account only: A's list does not show it
    REFERENCE = "reference"  # B cannot point its own rows at A's row: 404 or 422, nothing written


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    check: Check
    body: dict[str, Any] | Callable[[Row, Row], dict[str, Any]] | None = None

    @property
    def route(self) -> str:
        """The route template the probe exercises, as the app declares it (its query string left out)."""
        return self.path.partition("?")[0].replace("{other_", "{")

    def render_body(self, row: Row, other: Row) -> dict[str, Any] | None:
        return self.body(row, other) if callable(self.body) else self.body


@dataclass(frozen=True)
class TenantCase:
    name: str
    create: Callable[[LoggedIn], Awaitable[Row]]
    """Creates the row as account A and returns its placeholders."""
    read_path: str
    """Where A reads the row back to prove it is unchanged."""
    list_path: str
    probes: list[Probe] = field(default_factory=list)
    create_other: Callable[[LoggedIn], Awaitable[Row]] | None = None
    """Creates B's own row(s) through B's client, for REFERENCE probes; ``{other_<key>}`` in paths."""
    other_read_path: str | None = None
    """Where B reads its own row back to prove the probes wrote nothing to it either."""


def fill(path: str, row: Row, other: Row | None = None) -> str:
    return path.format(**row, **{f"other_{key}": value for key, value in (other or {}).items()})


async def created(logged_in: LoggedIn, path: str, body: dict[str, Any]) -> str:
    """POSTs ``body`` as ``logged_in``, expects 201 and returns the new row's id."""
    response = await logged_in.client.post(path, json=body)
    assert response.status_code == 201, response.text
    row_id: str = response.json()["id"]
    return row_id
