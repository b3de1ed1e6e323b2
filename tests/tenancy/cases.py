"""The vocabulary of cross-tenant cases.

A domain describes, in its ``tests/<domain>/tenant_cases.py`` (a module-level ``CASES`` list), how to
create one of its rows as account A and which routes account B will try against it. The suite then
proves, for every case, that B can neither read, list, change nor delete A's row, and, for every
authenticated route of the app, that some case covers it: a new route without a case fails the suite.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tests.factories import LoggedIn


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
    body: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def render_body(self, row: dict[str, Any]) -> dict[str, Any] | None:
        return self.body(row) if callable(self.body) else self.body


@dataclass(frozen=True)
class TenantCase:
    name: str
    create: Callable[[LoggedIn], Awaitable[dict[str, Any]]]
    """Creates the row as account A and returns it; its keys fill the ``{placeholders}`` of paths."""
    read_path: str
    """Where A reads the row back to prove it is unchanged."""
    list_path: str
    probes: list[Probe] = field(default_factory=list)


def fill(path: str, row: dict[str, Any]) -> str:
    return path.format(**row)
