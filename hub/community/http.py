"""Headers for what store pages read and frame: CORS like the widget, a fragment CSP."""

from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.catalog.schema import FieldError
from hub.web.errors import problem
from hub.web.params import whole
from hub.widget.http import cors_headers, fragment_policy, preflight_headers

# Opting out, a new answer or a moderation shows at once: browsers revalidate every time.
NO_CACHE = {"Cache-Control": "no-cache"}

__all__ = [
    "cors_headers",
    "fragment_headers",
    "json_response",
    "limit_param",
    "preflight",
    "problem_with_cors",
]


def fragment_headers(request: Request) -> dict[str, str]:
    # Its own CSP lets store pages frame it (frame-ancestors) and its forms post back here.
    policy = fragment_policy(request.app.state.settings, form_action="'self'")
    return {"Content-Security-Policy": policy, **NO_CACHE, **cors_headers(request)}


def json_response(request: Request, body: object, status_code: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status_code, headers={**NO_CACHE, **cors_headers(request)})


def problem_with_cors(request: Request, status: int, title: str, field: str, reason: str) -> Response:
    response = problem(status, title, [FieldError(field, reason)])
    response.headers.update(cors_headers(request))
    return response


def preflight(request: Request) -> Response:
    return Response(status_code=204, headers=preflight_headers(request, "GET, POST, OPTIONS"))


def limit_param(params: QueryParams, default: int, high: int = 100) -> int:
    return whole(params.get("limit"), "limit", low=1, high=high, default=default) or default
