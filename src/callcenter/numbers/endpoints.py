"""HTTP routes of the numbers domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["numbers"])
