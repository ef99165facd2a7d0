"""The one rate limiter: a fixed window per group and key, counted in this process.

Every limit of the hub goes through `limiter.hit(group, limit, key)`: the middleware
counts public requests per client address and path group, and services count by a key
of their own (a review, a question or a vote per client address; questions per asker's
e-mail address and per product). A key's window opens with its first hit and lasts the
group's seconds; past ``requests`` hits in it, `hit` answers the seconds left to wait.

The limits come from the ``HUB_RATE_LIMITS`` setting (``Settings.rate_limits``), one
`Limit` per group of ``DEFAULT_LIMITS``; ``0`` requests turns a group off. Keys are kept
only as keyed hashes (no address or e-mail address is held in memory), and the counters
live in this process: with N web processes a client may make up to N times the limit.
Put a limit in the reverse proxy too (docs/deploy.md).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable, Mapping
from typing import NamedTuple

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send


class Limit(NamedTuple):
    requests: int
    seconds: int

    @property
    def off(self) -> bool:
        return self.requests <= 0

    def __str__(self) -> str:
        return f"{self.requests}/{self.seconds}"


DEFAULT_LIMITS: dict[str, Limit] = {
    # Requests per client address, by the path group of the middleware.
    "api": Limit(300, 60),
    "widget": Limit(600, 60),
    "review": Limit(60, 60),
    "survey": Limit(60, 60),
    "unsubscribe": Limit(30, 60),
    "login": Limit(30, 60),
    "upload": Limit(30, 600),
    # Counted by the services, whatever the path.
    "review_ip": Limit(10, 600),
    "question_ip": Limit(10, 600),
    "vote_ip": Limit(60, 600),
    "survey_ip": Limit(10, 600),
    "referral_ip": Limit(10, 600),
    "question_address": Limit(5, 3600),
    "question_product": Limit(30, 3600),
}
SWEEP_SECONDS = 60.0


class RateLimiter:
    """Fixed windows per (group, key), each opened by its key's first hit."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._salt = secrets.token_bytes(16)
        self._windows: dict[bytes, tuple[float, int]] = {}  # digest -> (ends at, hits)
        self._swept_at = 0.0

    def hit(self, group: str, limit: Limit, key: str) -> float | None:
        """Count one use of ``key`` in ``group``; the seconds to wait when it is over, else None."""
        if limit.off:
            return None
        now = self.clock()
        self._sweep(now)
        digest = self._digest(group, key)
        ends_at, hits = self._windows.get(digest, (0.0, 0))
        if ends_at <= now:
            ends_at, hits = now + limit.seconds, 0
        if hits >= limit.requests:
            return ends_at - now
        self._windows[digest] = (ends_at, hits + 1)
        return None

    def allows(self, limits: Mapping[str, Limit], group: str, key: str) -> bool:
        """Count one use of ``key`` under ``limits[group]``; False when it is over."""
        return self.hit(group, limits[group], key) is None

    def __len__(self) -> int:
        """Keys with a window, ended or not, that the limiter holds."""
        return len(self._windows)

    def clear(self) -> None:
        self._windows.clear()

    def _digest(self, group: str, key: str) -> bytes:
        return hashlib.blake2b(f"{group}\n{key}".encode(), key=self._salt, digest_size=16).digest()

    def _sweep(self, now: float) -> None:
        """Forget ended windows, at most once a minute, so memory stays bounded."""
        if now - self._swept_at < SWEEP_SECONDS:
            return
        self._swept_at = now
        for digest in [d for d, (ends_at, _) in self._windows.items() if ends_at <= now]:
            del self._windows[digest]


# The services' limiter, one per process (each app's middleware counts in one of its own).
limiter = RateLimiter()


def parse_limits(text: str) -> dict[str, Limit]:
    """``"login=30/60,review=60/60"`` over the defaults; ``ValueError`` names a bad part."""
    limits = dict(DEFAULT_LIMITS)
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        group, _, rule = part.partition("=")
        count, _, seconds = rule.partition("/")
        group = group.strip()
        if group not in DEFAULT_LIMITS or not count.isdigit() or not seconds.isdigit() or int(seconds) < 1:
            raise ValueError(
                f"{part!r}: use GROUP=REQUESTS/SECONDS with GROUP one of {', '.join(DEFAULT_LIMITS)}"
            )
        limits[group] = Limit(int(count), int(seconds))
    return limits


def limits_text(limits: Mapping[str, Limit]) -> str:
    return ",".join(f"{group}={limit}" for group, limit in limits.items())


READ_METHODS = frozenset({"GET", "HEAD"})
# (group, path prefix, only reads): the first match wins.
GROUPS: tuple[tuple[str, str, bool], ...] = (
    ("api", "/api/v1/", True),
    ("widget", "/widget/", False),
    ("review", "/r/", False),
    ("survey", "/s/", False),
    ("survey", "/surveys/", False),
    ("unsubscribe", "/u/", False),
    ("login", "/login", False),
)
# Posts that can carry files (multipart) form their own group wherever they go, staff pages aside:
# each may hold 60 MB of photos for the checks, the disk and the moderators.
UPLOAD_GROUP = "upload"
STAFF_PREFIX = "/admin"


def path_group(method: str, path: str) -> str | None:
    for group, prefix, reads_only in GROUPS:
        if path.startswith(prefix) and (not reads_only or method in READ_METHODS):
            return group
    return None


def upload_group(scope: Scope) -> str | None:
    if scope.get("method") != "POST" or scope.get("path", "").startswith(STAFF_PREFIX):
        return None
    content_type = Headers(scope=scope).get("content-type", "").strip().lower()
    return UPLOAD_GROUP if content_type.startswith("multipart/") else None


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

    def __init__(self, app: ASGIApp, limits: Mapping[str, Limit], counter: RateLimiter | None = None) -> None:
        self.app = app
        self.limits = limits
        self.counter = counter or RateLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        group = self._group(scope)
        limit = self.limits.get(group or "")
        if group and limit and not limit.off:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.counter.hit(group, limit, client)
            if wait is not None:
                await _refusal(group, wait)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _group(scope: Scope) -> str | None:
        if scope["type"] != "http":
            return None
        return upload_group(scope) or path_group(scope.get("method", ""), scope.get("path", ""))
