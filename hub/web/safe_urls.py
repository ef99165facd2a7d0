"""The one rule for links the hub takes from outside: absolute ``http`` or ``https`` URLs only.

A product's ``url`` and ``image_url``, a photo's ``source_url`` and the store's address
end up in ``href`` and ``src`` attributes on store pages, in mail and in the admin, where a
``javascript:``, ``data:`` or ``vbscript:`` link runs script (or shows a forged page) in
the brand's name. So every ingest path asks `url_refusal` and refuses (or, for store
webhooks, drops) what it names; and every place that renders a stored link asks
`http_url`, which answers the link or nothing, so rows stored before the rule cannot leak
one either.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http://", "https://")
# Browsers drop tabs and newlines inside a URL and strip control characters and spaces
# around it; a link that holds any is not one a store sends.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
REASON = "must be an absolute http:// or https:// URL"


def url_refusal(value: str) -> str | None:
    """Why ``value`` cannot be stored as a link, or None when it is an http(s) URL with a host."""
    if not value.lower().startswith(WEB_SCHEMES):
        return REASON
    if _UNSAFE_CHARACTERS.search(value):
        return "must not contain spaces or control characters"
    try:
        host = urlsplit(value).hostname
    except ValueError:  # a malformed IPv6 host
        host = None
    if not host:
        return "must name a host, e.g. https://shop.example/…"
    return None


def http_url(value: object) -> str:
    """``value`` when it is a link the hub may render (see `url_refusal`), else ``""``."""
    if not isinstance(value, str) or not value or url_refusal(value) is not None:
        return ""
    return value
