"""HTTP routes of the publishers domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["publishers"])
