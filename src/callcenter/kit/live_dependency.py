"""The process's live-state store (memory or Redis) as a typed dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from callcenter.live import LiveState


def get_live_state(request: Request) -> LiveState:
    live: LiveState = request.app.state.live
    return live


Live = Annotated[LiveState, Depends(get_live_state)]
