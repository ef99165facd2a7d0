"""The application factory."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import import_module

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

from hub.admin.context import staff_context
from hub.admin.metrics import MetricsMiddleware
from hub.config import Settings, load_settings
from hub.db import tortoise_config
from hub.files import private_database, private_dir
from hub.logredact import describe, redact_path, redacted_traceback
from hub.logredact import install as install_log_redaction
from hub.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from hub.policy.store import LivePolicy
from hub.policy.web import PolicyMiddleware
from hub.templating import STATIC_DIR, add_context, render
from hub.urls import ROUTES, STATIC_PATH
from hub.web.errors import InvalidInput, invalid_input_problem
from hub.web.ratelimit import RateLimitMiddleware
from hub.webhooks.endpoints import sync_configured_endpoint
from hub.worker import embedded_worker

log = logging.getLogger("hub")

MEGABYTE = 1024 * 1024
UPLOAD_BODY_BYTES = 60 * MEGABYTE  # five photos of 10 MB and the form around them
DATA_BODY_BYTES = 5 * MEGABYTE  # a batch of 1,000 orders; a store's largest order webhook
FORM_BODY_BYTES = MEGABYTE  # every other form: login, admin, answers, preferences
# An orders or reviews file uploaded in the admin, streamed to disk: Shopify's export of
# 100,000 orders (about three rows each) is 60–80 MB; 200 MB leaves room for twice that.
IMPORT_BODY_BYTES = 200 * MEGABYTE
BODY_LIMITS = (
    ("/admin/imports/upload", IMPORT_BODY_BYTES),
    ("/r/", UPLOAD_BODY_BYTES),  # the review form, with its photos
    ("/share/", UPLOAD_BODY_BYTES),  # photos added later through a share link
    ("/api/", DATA_BODY_BYTES),
    ("/webhooks/", DATA_BODY_BYTES),
)


def _endpoint(target: str) -> Callable[[Request], Awaitable[Response]]:
    module, _, function = target.partition(":")
    endpoint: Callable[[Request], Awaitable[Response]] = getattr(import_module(module), function)
    return endpoint


def all_routes() -> list[BaseRoute]:
    """Every route of the hub, built from the one table in `hub.urls`."""
    return [
        *(
            Route(route.path, _endpoint(route.target), methods=list(route.methods), name=route.name)
            for route in ROUTES
        ),
        Mount(STATIC_PATH, app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/webhooks/"))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _wants_json(request):
        return JSONResponse(
            {"title": exc.detail, "status": exc.status_code},
            status_code=exc.status_code,
            media_type="application/problem+json",
            headers=exc.headers,
        )
    context = {"status": exc.status_code, "detail": exc.detail}
    return render(request, "errors/error.html", context, status_code=exc.status_code)


async def invalid_input(request: Request, exc: Exception) -> Response:
    """A bad request value that no route turned into its form again: a 4xx naming the fields."""
    assert isinstance(exc, InvalidInput)
    if _wants_json(request):
        return invalid_input_problem(exc)
    context = {"status": exc.status, "detail": exc.title, "errors": exc.errors}
    return render(request, "errors/error.html", context, status_code=exc.status)


async def server_error(request: Request, exc: Exception) -> Response:
    # The frames and the error's type, never its message: it may quote request or customer text.
    log.error(
        "unhandled error on %s %s: %s\n%s",
        request.method,
        redact_path(request.url.path),
        describe(exc),
        redacted_traceback(exc),
    )
    if _wants_json(request):
        return JSONResponse(
            {"title": "Internal Server Error", "status": 500},
            status_code=500,
            media_type="application/problem+json",
        )
    return render(request, "errors/error.html", {"status": 500, "detail": ""}, status_code=500)


def _middleware(settings: Settings) -> list[Middleware]:
    return [
        Middleware(MetricsMiddleware),
        Middleware(SecurityHeadersMiddleware, hsts=settings.https),
        Middleware(RateLimitMiddleware, limits=settings.rate_limits),
        Middleware(BodyLimitMiddleware, groups=BODY_LIMITS, default=FORM_BODY_BYTES),
        Middleware(GZipMiddleware, minimum_size=800),
        Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="hub_session",
            max_age=12 * 3600,
            same_site="lax",
            https_only=settings.https,
        ),
        Middleware(PolicyMiddleware),
    ]


# Young objects collected every 50,000 allocations instead of 700: a widget request
# allocates thousands, so the default ran the collector several times per request.
COLLECTOR_THRESHOLDS = (50_000, 20, 100)


@dataclass
class _Serving:
    """How many apps of this process are serving, and the collector's settings before the first."""

    apps: int = 0
    thresholds: tuple[int, int, int] = (0, 0, 0)


_serving = _Serving()


@asynccontextmanager
async def tuned_collector() -> AsyncIterator[None]:
    """Keep the garbage collector off the request path while the app serves.

    What startup loaded (routes, templates, ORM metadata) is frozen, so full
    collections no longer walk it: they took about 20 ms and a busy server ran one
    every few seconds, which showed as 50–100 ms stalls in the widget's p99. Young
    objects are collected less often (`COLLECTOR_THRESHOLDS`); on cold widget pages
    this served 10–25 % more requests a second (docs/benchmarks.md). The collector is
    process-wide: the first app to start tunes it, the last to stop restores it, so a
    process that builds many apps (the tests) still collects them afterwards.
    """
    if _serving.apps == 0:
        _serving.thresholds = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(*COLLECTOR_THRESHOLDS)
    _serving.apps += 1
    try:
        yield
    finally:
        _serving.apps -= 1
        if _serving.apps == 0:
            gc.set_threshold(*_serving.thresholds)
            gc.unfreeze()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    install_log_redaction()
    add_context(staff_context)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        private_dir(settings.data_dir)
        private_database(settings.database_url)
        async with (
            RegisterTortoise(app, config=tortoise_config(settings.database_url)),
            embedded_worker(settings),
            tuned_collector(),
        ):
            await sync_configured_endpoint(settings)  # HUB_CASE_WEBHOOK_URL, before the first case
            yield

    app = Starlette(
        routes=all_routes(),
        middleware=_middleware(settings),
        exception_handlers={HTTPException: http_error, InvalidInput: invalid_input, 500: server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.policy = LivePolicy(settings)
    app.state.log = log
    return app
