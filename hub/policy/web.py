"""Every request sees the shop policy as stored a few seconds ago at most."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class PolicyMiddleware:
    """Before a request, take up policy another process changed (read at most every few seconds)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state = scope["app"].state
            live = getattr(state, "policy", None)
            if live is not None and await live.refresh():
                state.settings = live.settings
        await self.app(scope, receive, send)
