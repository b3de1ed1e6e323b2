"""HTTP routes of the campaigns domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["campaigns"])
