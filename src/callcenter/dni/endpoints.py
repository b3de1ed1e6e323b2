"""HTTP routes of the dni domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["dni"])
