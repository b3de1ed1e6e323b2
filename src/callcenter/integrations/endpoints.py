"""HTTP routes of the integrations domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["integrations"])
