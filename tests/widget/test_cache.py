"""The widget's in-process scope cache: one read per SKU per expiry, however many ask."""

from __future__ import annotations

import asyncio

import pytest

from hub.reviews.aggregates import RatingSummary
from hub.widget import cache
from hub.widget.queries import Scope


def _scope(sku: str, version: int) -> Scope:
    summary = RatingSummary(count=1, rating_sum=5, histogram=[0, 0, 0, 0, 1], photo_count=0, version=version)
    return Scope(sku, "Trail Tent", "", "", (1,), summary)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


async def test_requests_arriving_together_share_one_read_and_then_the_cached_scope() -> None:
    reads: list[str] = []

    async def load(sku: str) -> Scope | None:
        reads.append(sku)
        await asyncio.sleep(0.01)  # the database takes its time; everyone else arrives meanwhile
        return _scope(sku, version=len(reads))

    found = await asyncio.gather(*(cache.scope_for("sku-1", load) for _ in range(20)))
    assert reads == ["sku-1"] and {scope.summary.version for scope in found if scope} == {1}
    assert await cache.scope_for("sku-1", load) == found[0] and reads == ["sku-1"]


async def test_an_expired_scope_is_read_again_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []

    async def load(sku: str) -> Scope | None:
        reads.append(sku)
        return _scope(sku, version=len(reads))

    monkeypatch.setattr(cache, "SCOPE_TTL", 0.0)
    first = await cache.scope_for("sku-2", load)
    again = await asyncio.gather(*(cache.scope_for("sku-2", load) for _ in range(5)))
    assert first is not None and first.summary.version == 1
    assert len(reads) == 2 and {scope.summary.version for scope in again if scope} == {2}


async def test_a_failed_read_reaches_every_waiter_and_the_next_request_tries_again() -> None:
    attempts: list[int] = []

    async def load(sku: str) -> Scope | None:
        attempts.append(1)
        await asyncio.sleep(0.01)
        if len(attempts) == 1:
            raise ConnectionError("the database went away")
        return _scope(sku, version=1)

    failed = await asyncio.gather(*(cache.scope_for("sku-3", load) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(result, ConnectionError) for result in failed) and len(attempts) == 1
    assert await cache.scope_for("sku-3", load) is not None and len(attempts) == 2


async def test_clearing_the_cache_during_a_read_loses_nothing_but_the_entry() -> None:
    async def load(sku: str) -> Scope | None:
        await asyncio.sleep(0.01)
        return _scope(sku, version=1)

    pending = asyncio.ensure_future(cache.scope_for("sku-4", load))
    await asyncio.sleep(0)
    cache.clear()
    assert (await pending) is not None  # the read in flight still answers its caller
