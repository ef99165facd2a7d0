"""The one Jinja2 environment: pages, htmx fragments and mail share it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2_fragments.starlette import Jinja2Blocks
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from hub.text.plain import defanged, inert
from hub.web.safe_urls import http_url

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
HTMX_FILE = "htmx-2.0.11.min.js"


def _ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "—"
    seconds = int(((now or datetime.now(UTC)) - moment).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            text = f"{seconds // size} {unit}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def _stars(rating: int | None) -> str:
    rating = rating or 0
    return "★" * rating + "☆" * (5 - rating)


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `http_url`: a stored link in href/src only when it is http(s) (hub.web.safe_urls).
    # `defanged`/`inert`: stranger text in mail, never made a link (hub.text.plain).
    env.filters.update(ago=_ago, when=_when, stars=_stars, http_url=http_url, defanged=defanged, inert=inert)
    env.globals["htmx_file"] = HTMX_FILE
    return env


PATH_CACHE_SIZE = 4096


@dataclass
class _PathCache:
    """Paths already resolved for one app, valid while its routes stay the same."""

    route_count: int
    paths: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = field(default_factory=dict)


def path_for(app: Starlette, name: str, /, **path_params: Any) -> str:
    """The app's path for route ``name``, remembered per app.

    Starlette tries every route in turn for each lookup, and a page such as the case
    queue asks for a hundred links; the answer only changes if the routes do.
    """
    route_count = len(app.router.routes)
    cache: _PathCache | None = getattr(app.state, "path_cache", None)
    if cache is None or cache.route_count != route_count or len(cache.paths) > PATH_CACHE_SIZE:
        cache = app.state.path_cache = _PathCache(route_count)
    key = (name, tuple(sorted(path_params.items())))
    path = cache.paths.get(key)
    if path is None:
        path = cache.paths[key] = str(app.url_path_for(name, **path_params))
    return path


@pass_context
def _path_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    return path_for(context["request"].app, name, **path_params)


def _request_context(request: Request) -> dict[str, Any]:
    from hub.admin.nav import nav_links
    from hub.web.csrf import csrf_token

    settings = request.app.state.settings
    return {
        "settings": settings,
        "brand_name": settings.brand_name,
        "csrf_token": lambda: csrf_token(request),
        "nav_links": lambda: nav_links(request, request.scope.get("staff")),
        "current_staff": request.scope.get("staff"),
    }


templates = Jinja2Blocks(env=make_environment(), context_processors=[_request_context])
templates.env.globals["path_for"] = _path_for


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    """Render a page, or only its ``block`` when htmx asks for a fragment."""
    context = dict(context or {})
    if block and request.headers.get("HX-Request") == "true":
        return templates.TemplateResponse(request, name, context, status_code=status_code, block_name=block)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
