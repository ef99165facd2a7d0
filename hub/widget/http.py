"""HTTP plumbing shared by the widget routes: CORS, ETags, 304s and cached bodies."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from hub.config import Settings
from hub.widget.cache import cached_body
from hub.widget.queries import Scope

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600"
PREFLIGHT_MAX_AGE = "600"


def fragment_policy(settings: Settings, form_action: str = "'none'") -> str:
    """The CSP of a fragment that store pages may frame; ``form_action`` for fragments with forms."""
    ancestors = " ".join(("'self'", *settings.store_origins))
    return "; ".join(
        [
            "default-src 'none'",
            "style-src 'self'",
            "img-src 'self' https: data:",
            "base-uri 'none'",
            f"form-action {form_action}",
            f"frame-ancestors {ancestors}",
        ]
    )


def hub_origin(settings: Settings) -> str:
    parts = urlsplit(settings.base_url)
    return f"{parts.scheme}://{parts.netloc}"


def store_origin(settings: Settings, origin: str | None) -> str | None:
    """``origin`` when it is one of HUB_STORE_ORIGINS, else None."""
    return origin if origin and origin in settings.store_origins else None


def may_post_from(settings: Settings, origin: str | None) -> bool:
    """Votes come from a store page or from the hub's own pages, never from elsewhere."""
    return bool(origin) and (origin == hub_origin(settings) or store_origin(settings, origin) is not None)


def cors_headers(request: Request) -> dict[str, str]:
    allowed = store_origin(request.app.state.settings, request.headers.get("origin"))
    headers = {"Vary": "Origin"}
    if allowed:
        headers["Access-Control-Allow-Origin"] = allowed
    return headers


def preflight_headers(request: Request, methods: str) -> dict[str, str]:
    headers = cors_headers(request)
    if "Access-Control-Allow-Origin" in headers:
        headers.update(
            {
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
        )
    return headers


def entity_tag(kind: str, scope: Scope, key: str) -> str:
    """Weak, because GZipMiddleware may re-encode the body; built from the version only."""
    digest = hashlib.sha256(f"{kind}|{scope.sku}|{scope.version}|{key}".encode()).hexdigest()[:24]
    return f'W/"{digest}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    candidates = (item.strip().removeprefix("W/") for item in if_none_match.split(","))
    return any(candidate in (wanted, "*") for candidate in candidates)


async def cached_response(
    request: Request,
    *,
    kind: str,
    scope: Scope,
    key: str,
    media_type: str,
    build: Callable[[], Awaitable[bytes]],
    headers: dict[str, str] | None = None,
) -> Response:
    """304 when the browser holds the current version (no query runs), else the cached body."""
    tag = entity_tag(kind, scope, key)
    all_headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL, **cors_headers(request), **(headers or {})}
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=all_headers)
    body = await cached_body(f"{kind}|{scope.sku}|{scope.version}|{key}", build)
    return Response(body, media_type=media_type, headers=all_headers)
