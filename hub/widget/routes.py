"""Routes of the widget domain: widget.js, the no-JS fragment, JSON-LD, the demo store, the APIs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hub.config import Settings
from hub.templating import STATIC_DIR, TEMPLATE_DIR, path_for, render
from hub.web.errors import problem
from hub.web.safe_json import html_safe_json
from hub.widget import api
from hub.widget.api import product_scope
from hub.widget.demo_store import store_page
from hub.widget.fragment import render_fragment
from hub.widget.http import (
    CACHE_CONTROL,
    cached_response,
    cors_headers,
    fragment_policy,
    hub_origin,
    matches,
)
from hub.widget.jsonld import LATEST_REVIEWS, product_jsonld
from hub.widget.openapi import openapi_document
from hub.widget.queries import QueryError, ReviewQuery, list_reviews, parse_query

ASSET_CACHE = "public, max-age=3600, stale-while-revalidate=86400"
DEMO_REVIEWS_HEIGHT = 900


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    etag: str


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int) -> Asset:
    body = path.read_bytes()
    return Asset(body, f'W/"{hashlib.sha256(body).hexdigest()[:24]}"')


def _asset_response(request: Request, path: Path, media_type: str) -> Response:
    asset = _load(path, path.stat().st_mtime_ns)
    headers = {"ETag": asset.etag, "Cache-Control": ASSET_CACHE}
    if matches(request.headers.get("if-none-match"), asset.etag):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=media_type, headers=headers)


async def widget_js(request: Request) -> Response:
    return _asset_response(request, STATIC_DIR / "widget.js", "text/javascript; charset=utf-8")


async def widget_community_js(request: Request) -> Response:
    """The Q&A tab, gallery and contributors code that widget.js loads on demand."""
    return _asset_response(request, STATIC_DIR / "widget-community.js", "text/javascript; charset=utf-8")


async def widget_css(request: Request) -> Response:
    return _asset_response(request, TEMPLATE_DIR / "widget" / "widget.css", "text/css; charset=utf-8")


def _fragment_headers(settings: Settings) -> dict[str, str]:
    return {"Content-Security-Policy": fragment_policy(settings)}


async def widget_fragment(request: Request) -> Response:
    scope = await product_scope(request)
    try:
        query = parse_query(request.query_params)
    except QueryError as error:
        return problem(422, "The query is not valid.", error.errors)
    settings = request.app.state.settings
    frame = request.query_params.get("frame") == "true"

    async def build() -> bytes:
        css_url = settings.base_url + path_for(request.app, "widget_css")
        return await render_fragment(settings, scope, query, frame=frame, css_url=css_url)

    return await cached_response(
        request,
        kind="fragment",
        scope=scope,
        key=f"{query.key()}:{frame}",
        media_type="text/html",
        build=build,
        headers=_fragment_headers(settings),
    )


async def widget_jsonld(request: Request) -> Response:
    scope = await product_scope(request)
    if not scope.summary.count:
        return Response(status_code=204, headers={"Cache-Control": CACHE_CONTROL, **cors_headers(request)})
    settings = request.app.state.settings

    async def build() -> bytes:
        # The markup names no photos or replies: their reads are skipped.
        page = await list_reviews(settings, scope, ReviewQuery(limit=LATEST_REVIEWS), extras=False)
        return html_safe_json(product_jsonld(scope, page.items))

    return await cached_response(
        request, kind="jsonld", scope=scope, key="", build=build, media_type="application/ld+json"
    )


def _store_policy(settings: Settings) -> str:
    hub = hub_origin(settings)
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hub}",
            f"connect-src 'self' {hub}",
            f"style-src 'self' {hub}",
            f"img-src 'self' {hub} https: data:",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ]
    )


async def demo_store(request: Request) -> Response:
    page = await store_page(request.path_params["sku"])
    if page is None:
        raise HTTPException(404, "The demo store shows demo products only.")
    settings = request.app.state.settings
    others = [
        {**other, "href": request.app.url_path_for("demo_store", sku=other["sku"])}
        for other in page.pop("others")
    ]
    context = {
        **page,
        "others": others,
        "height": DEMO_REVIEWS_HEIGHT,
        "widget_url": settings.base_url + str(request.app.url_path_for("widget_js")),
        "css_url": settings.base_url + str(request.app.url_path_for("widget_css")),
    }
    response = render(request, "widget/demo_store.html", context)
    response.headers["Content-Security-Policy"] = _store_policy(settings)
    return response


async def openapi(request: Request) -> Response:
    return JSONResponse(
        openapi_document(request.app.state.settings), headers={"Cache-Control": "public, max-age=300"}
    )


routes: list[BaseRoute] = [
    Route("/widget.js", widget_js, methods=["GET", "HEAD"], name="widget_js"),
    Route("/widget-community.js", widget_community_js, methods=["GET", "HEAD"], name="widget_community_js"),
    Route("/widget.css", widget_css, methods=["GET", "HEAD"], name="widget_css"),
    Route("/widget/products/{sku:str}", widget_fragment, methods=["GET"], name="widget_fragment"),
    Route("/widget/products/{sku:str}/jsonld", widget_jsonld, methods=["GET"], name="widget_jsonld"),
    Route("/demo/store/{sku:str}", demo_store, methods=["GET"], name="demo_store"),
    Route("/openapi.json", openapi, methods=["GET"], name="openapi"),
    *api.routes,
]
