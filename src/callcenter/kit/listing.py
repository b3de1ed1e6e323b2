"""Sorting for list endpoints: ``?sort=name`` or ``?sort=-created_at``, checked against allowed fields.

Use as ``order: Annotated[SortOrder, Depends(sorting({"name": Campaign.name}, "name"))]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Query

from callcenter.kit.errors import AppError

SortOrder = list[Any]


def sorting(columns: Mapping[str, Any], default: str) -> Callable[..., SortOrder]:
    """A dependency that turns ``sort`` into ORDER BY clauses; an unknown field is a 422 on ``sort``."""
    allowed = ", ".join(sorted(columns))

    # The Query object is the parameter's default rather than part of an Annotated type: annotations are
    # strings in this module and FastAPI could not resolve one that refers to this closure.
    sort_query = Query(default, description=f"One of: {allowed}; prefix - for descending")

    def _sort(sort: str = sort_query) -> SortOrder:
        order: SortOrder = []
        for part in (p.strip() for p in sort.split(",") if p.strip()):
            name = part.lstrip("-")
            if name not in columns:
                raise AppError(
                    f"cannot sort by {name!r}",
                    status_code=422,
                    code="validation_error",
                    details=[
                        {"field": "sort", "message": f"unknown sort field {name!r}; allowed: {allowed}"}
                    ],
                )
            order.append(columns[name].desc() if part.startswith("-") else columns[name].asc())
        return order

    return _sort
