"""Security headers on every response; body size limits by route group."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.middleware.body_limit import RequestBodyLimitResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.links.pages import is_link_page

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

DEFAULT_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# A link page's URL holds the customer's token: no cache keeps the page, no Referer carries it.
LINK_PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# Staff pages show customers' data: no shared cache and no back-forward cache keeps them,
# unless the route chose its own caching.
STAFF_PREFIXES = ("/admin", "/api/")
STAFF_CACHE_CONTROL = "private, no-store"


class SecurityHeadersMiddleware:
    """Adds the default headers unless the route already chose its own (the widget does)."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.headers = dict(DEFAULT_HEADERS)
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    def _apply(self, headers: MutableHeaders) -> None:
        # A route that chose its own policy (the embeddable fragments) decides framing
        # with frame-ancestors; X-Frame-Options DENY would override it in old browsers.
        own_policy = "Content-Security-Policy" in headers
        for name, value in self.headers.items():
            if name in headers or (own_policy and name == "X-Frame-Options"):
                continue
            headers[name] = value
        if headers.get("X-Frame-Options") == "":
            del headers["X-Frame-Options"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                self._apply(headers)
                if scope["path"].startswith(STAFF_PREFIXES) and "Cache-Control" not in headers:
                    headers["Cache-Control"] = STAFF_CACHE_CONTROL
                if is_link_page(scope.get("route")):  # the router's choice, errors included
                    MutableHeaders(scope=message).update(LINK_PAGE_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses a request body past the limit of its route group with a 413, before reading it.

    ``groups`` pairs a path prefix with its limit in bytes; the first prefix that matches
    decides, and every other path gets ``default``. A body is counted as it arrives, so a
    missing or false ``Content-Length`` does not get past the limit.
    """

    def __init__(self, app: ASGIApp, groups: Sequence[tuple[str, int]], default: int) -> None:
        self.app = app
        self.groups = tuple(groups)
        self.default = default

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self.groups if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        responder = RequestBodyLimitResponder(self.app, self.limit_for(scope["path"]))
        await responder(scope, receive, send)
