"""JSON request bodies of the API: parsed with exact decimals, refused with a problem answer."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.web.errors import FieldError, problem


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
