"""A fixed-window rate limit per client address and path group for the public endpoints.

The counters live in this process: each web process counts on its own, so with N
processes a client may make up to N times the limit. Put a limit in the reverse
proxy too (docs/deploy.md). Limits come from ``settings.extra["rate_limits"]``, a
mapping of group name to ``(requests, seconds)``; ``0`` requests turns a group off.

Services limit by a key of their own (an e-mail address, a product) with
``keyed_limits.hit(...)``, in groups of ``KEYED_LIMITS`` set in the same setting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

READ_METHODS = frozenset({"GET", "HEAD"})
# (group, path prefix, only reads): the first match wins.
GROUPS: tuple[tuple[str, str, bool], ...] = (
    ("api", "/api/v1/", True),
    ("widget", "/widget/", False),
    ("review", "/r/", False),
    ("survey", "/s/", False),
    ("unsubscribe", "/u/", False),
    ("login", "/login", False),
)
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "api": (300, 60),
    "widget": (600, 60),
    "review": (60, 60),
    "survey": (60, 60),
    "unsubscribe": (30, 60),
    "login": (30, 60),
    "upload": (30, 600),
}
# Posts that can carry files (multipart) form their own group wherever they go, staff pages aside:
# each may hold 60 MB of photos for the checks, the disk and the moderators.
UPLOAD_GROUP = "upload"
STAFF_PREFIX = "/admin"


def upload_group(scope: Scope) -> str | None:
    if scope.get("method") != "POST" or scope.get("path", "").startswith(STAFF_PREFIX):
        return None
    content_type = Headers(scope=scope).get("content-type", "").strip().lower()
    return UPLOAD_GROUP if content_type.startswith("multipart/") else None


# Groups that a service counts by a key of its own, not by client address and path.
KEYED_LIMITS: dict[str, tuple[int, int]] = {
    "question_address": (5, 3600),
    "question_product": (30, 3600),
}


def path_group(method: str, path: str) -> str | None:
    for group, prefix, reads_only in GROUPS:
        if path.startswith(prefix) and (not reads_only or method in READ_METHODS):
            return group
    return None


@dataclass
class FixedWindow:
    limit: int
    seconds: int
    window: int = -1
    counts: dict[str, int] = field(default_factory=dict)

    def hit(self, client: str, now: float) -> float | None:
        """Count one request; the seconds to wait when it is over the limit, else None."""
        window = int(now // self.seconds)
        if window != self.window:
            self.window, self.counts = window, {}
        self.counts[client] = self.counts.get(client, 0) + 1
        if self.counts[client] <= self.limit:
            return None
        return (window + 1) * self.seconds - now


def windows(overrides: Mapping[str, tuple[int, int]] | None = None) -> dict[str, FixedWindow]:
    limits = {**DEFAULT_LIMITS, **(overrides or {})}
    return {
        group: FixedWindow(int(count), int(seconds))
        for group, (count, seconds) in limits.items()
        if int(count) > 0
    }


def parse_limits(text: str) -> dict[str, tuple[int, int]]:
    """``"login=30/60,review=60/60"`` as limits; ``ValueError`` names a bad part."""
    limits: dict[str, tuple[int, int]] = {}
    known = {**DEFAULT_LIMITS, **KEYED_LIMITS}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        group, _, rule = part.partition("=")
        count, _, seconds = rule.partition("/")
        if group.strip() not in known or not count.isdigit() or not seconds.isdigit() or int(seconds) < 1:
            raise ValueError(f"{part!r}: use GROUP=REQUESTS/SECONDS with GROUP one of {', '.join(known)}")
        limits[group.strip()] = (int(count), int(seconds))
    return limits


class KeyedLimiter:
    """Fixed windows that services count by a key, such as an e-mail address or a product."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.windows: dict[tuple[str, int, int], FixedWindow] = {}
        self.clock = clock

    def hit(self, limits: Mapping[str, tuple[int, int]] | None, group: str, key: str) -> float | None:
        """Count one use of ``key`` in ``group``; the seconds to wait when it is over, else None."""
        count, seconds = (limits or {}).get(group) or KEYED_LIMITS[group]
        if int(count) <= 0:
            return None
        window = self.windows.setdefault(
            (group, int(count), int(seconds)), FixedWindow(int(count), int(seconds))
        )
        return window.hit(key, self.clock())


# Per process, like the middleware's counters.
keyed_limits = KeyedLimiter()


def _refusal(group: str, wait: float) -> Response:
    headers = {"Retry-After": str(max(1, math.ceil(wait)))}
    text = "Too many requests. Try again later."
    if group == "api":
        return JSONResponse(
            {"title": text, "status": 429},
            status_code=429,
            headers=headers,
            media_type="application/problem+json",
        )
    return PlainTextResponse(text, status_code=429, headers=headers)


class RateLimitMiddleware:
    """Answers 429 with Retry-After once a client passes its group's limit in the window."""

    def __init__(
        self,
        app: ASGIApp,
        limits: Mapping[str, tuple[int, int]] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.windows = windows(limits)
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        group = (
            (upload_group(scope) or path_group(scope.get("method", ""), scope.get("path", "")))
            if scope["type"] == "http"
            else None
        )
        window = self.windows.get(group or "")
        if group and window:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = window.hit(client, self.clock())
            if wait is not None:
                await _refusal(group, wait)(scope, receive, send)
                return
        await self.app(scope, receive, send)
