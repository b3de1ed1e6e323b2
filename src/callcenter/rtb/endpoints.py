"""HTTP routes of the rtb domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["rtb"])
