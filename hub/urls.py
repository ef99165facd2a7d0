"""Absolute links for mail and other places outside a request, from route names."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from starlette.routing import BaseRoute, Router

from hub.config import Settings


@cache
def _router() -> Router:
    from hub.app import all_routes

    return Router(routes=all_routes())


def route_table() -> list[BaseRoute]:
    """Every route of the hub, as the app serves them."""
    return _router().routes


def path_for(name: str, **path_params: Any) -> str:
    return str(_router().url_path_for(name, **path_params))


def external_url(
    settings: Settings, name: str, query: dict[str, Any] | None = None, **path_params: Any
) -> str:
    """The public URL of route ``name``, under the configured base URL."""
    url = settings.base_url + path_for(name, **path_params)
    return f"{url}?{urlencode(query)}" if query else url
