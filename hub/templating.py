"""The one Jinja2 environment: pages, htmx fragments and mail share it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2_fragments.starlette import Jinja2Blocks
from starlette.requests import Request
from starlette.responses import Response

from hub.text.plain import defanged, inert
from hub.urls import path_for
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


@pass_context
def _path_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    return path_for(name, **path_params)


def _request_context(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    return {"settings": settings, "brand_name": settings.brand_name}


templates = Jinja2Blocks(env=make_environment(), context_processors=[_request_context])
templates.env.globals["path_for"] = _path_for


def add_context(processor: Callable[[Request], dict[str, Any]]) -> None:
    """Give every page what ``processor`` reads from its request (the app adds staff's: CSRF, nav)."""
    if processor not in templates.context_processors:
        templates.context_processors.append(processor)


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
