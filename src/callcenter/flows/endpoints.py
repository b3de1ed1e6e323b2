"""HTTP routes of the flows domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["flows"])
