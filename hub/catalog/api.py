"""Shared pieces of the /api/v1 endpoints: API-key auth, JSON bodies, problem answers."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.staff.apikeys import find_api_key
from hub.staff.models import ApiKey
from hub.web.errors import FieldError, problem

Endpoint = Callable[[Request], Awaitable[Response]]
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="feedback-hub"'}


async def authenticate(request: Request, scope: str) -> ApiKey:
    """The API key of the request: 401 when missing or wrong, 403 without ``scope``."""
    kind, _, raw = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer" or not raw.strip():
        raise HTTPException(401, "Send an API key: Authorization: Bearer <key>.", CHALLENGE)
    key = await find_api_key(raw.strip())
    if key is None:
        raise HTTPException(401, "The API key is wrong or revoked.", CHALLENGE)
    if scope not in (key.scopes or []):
        raise HTTPException(403, f"The API key lacks the scope {scope}.")
    return key


def require_scope(scope: str) -> Callable[[Endpoint], Endpoint]:
    """Let a request through only with an API key holding ``scope``; the key is in state."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            request.state.api_key = await authenticate(request, scope)
            return await endpoint(request)

        return wrapper

    return decorate


class BadBody(ValueError):
    pass


def parse_json(raw: bytes) -> Any:
    """JSON with every number that has a fraction read as a Decimal, never a float."""
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, RecursionError):
        raise BadBody("The body is not valid JSON.") from None


async def json_body(request: Request) -> Any:
    return parse_json(await request.body())


def invalid_body(error: BadBody) -> JSONResponse:
    return problem(422, str(error), [FieldError("", "must be a JSON document")])
