"""Two small in-process caches that keep widget requests cheap.

`scopes`: SKU → `Scope` (product ids and `ProductRating` figures) for `SCOPE_TTL`
seconds, so that a burst of requests for one product, including the `If-None-Match`
ones answered with 304, costs no query at all, and its renewal costs one. A change
shows up after at most `SCOPE_TTL` seconds in each web process; the browser's own
`max-age=60` is longer.

`bodies`: rendered responses keyed by (kind, SKU, version, query), bounded LRU. The
version is part of the key, so a stale entry is never served once the scope's version
moved on; old versions simply fall out of the LRU.

Both are per process and hold nothing another process needs (see DESIGN "Scale").
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from hub.widget.queries import Scope, load_scope

SCOPE_TTL = 3.0
SCOPE_ENTRIES = 4096
BODY_ENTRIES = 2048

T = TypeVar("T")


class Lru(Generic[T]):
    """A bounded least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, T] = OrderedDict()

    def get(self, key: str) -> T | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: str, value: T) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def clear(self) -> None:
        self.items.clear()


_scopes: Lru[tuple[float, Scope | None]] = Lru(SCOPE_ENTRIES)
bodies: Lru[bytes] = Lru(BODY_ENTRIES)


_loading: dict[str, asyncio.Future[Scope | None]] = {}


async def scope_for(sku: str, load: Callable[[str], Awaitable[Scope | None]] = load_scope) -> Scope | None:
    """The scope of ``sku``, read from the database at most every `SCOPE_TTL` seconds.

    When an entry expires under load, every request in flight for that SKU waits for
    one read instead of making its own: fifty reads at once, taking turns for the GIL
    with the database thread, held some requests for a second.
    """
    now = time.monotonic()
    cached = _scopes.get(sku)
    if cached is not None and cached[0] > now:
        return cached[1]
    loading = _loading.get(sku)
    if loading is None:
        loading = _loading[sku] = asyncio.ensure_future(_reload(sku, load))
    return await asyncio.shield(loading)


async def _reload(sku: str, load: Callable[[str], Awaitable[Scope | None]]) -> Scope | None:
    try:
        scope = await load(sku)
        _scopes.put(sku, (time.monotonic() + SCOPE_TTL, scope))
        return scope
    finally:
        _loading.pop(sku, None)  # clear() may have emptied it meanwhile


async def cached_body(key: str, build: Callable[[], Awaitable[bytes]]) -> bytes:
    body = bodies.get(key)
    if body is None:
        body = await build()
        bodies.put(key, body)
    return body


def clear() -> None:
    _scopes.clear()
    _loading.clear()
    bodies.clear()
