"""Customer link pages: which routes carry a link token, and masking those tokens in logs and stored mail."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from starlette.routing import Route

from hub.urls import paths_with

LINK_PARAM = "token"
MASK = "••••••"
# What may follow the token in a URL: the rest of the path, the query, the end of an attribute.
_URL_SEGMENT = r"[^/?#&\s\"'<>]+"


def is_link_page(route: object) -> bool:
    """A customer link page: a route whose path carries a link token (``/r/{token}``…)."""
    return isinstance(route, Route) and LINK_PARAM in route.param_convertors


@cache
def _before_token() -> str:
    """A pattern for what precedes the token in the path of every link page."""
    marker = "{" + LINK_PARAM + "}"
    paths = paths_with(LINK_PARAM)
    prefixes = {path.split(marker, 1)[0] for path in paths}
    escaped = (re.sub(r"\\\{\w+\\\}", "[^/?#]+", re.escape(prefix)) for prefix in prefixes)
    return "|".join(sorted(escaped, key=len, reverse=True))


@lru_cache(maxsize=8)
def _token_pattern(anchor: str) -> re.Pattern[str]:
    return re.compile(f"({anchor}(?:{_before_token()})){_URL_SEGMENT}")


def mask_link_tokens(text: str, base_url: str, mask: str = MASK) -> str:
    """``text`` with the token of every link to a link page under ``base_url`` replaced by ``mask``."""
    return _token_pattern(re.escape(base_url)).sub(lambda found: found.group(1) + mask, text)


def mask_path_token(path: str, mask: str = MASK) -> str:
    """A request path with the token of a link page replaced by ``mask``."""
    return _token_pattern("^").sub(lambda found: found.group(1) + mask, path)
