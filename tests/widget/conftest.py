"""Factories for the widget tests: a tent with reviews, photos and a reply, API keys."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hub.catalog.models import Order, Product, ProductGroup
from hub.config import Settings
from hub.photos.models import Photo
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import Reply, Review
from hub.staff.apikeys import create_api_key
from hub.widget import cache
from tests.conftest import make_customer, make_order, make_review

STORE = "https://shop.example"
_numbers = itertools.count(1)
BODIES = [
    "Pitched it in five minutes and it stayed dry all night in the rain.",
    "Roomy for two people and the zips run smoothly, happy with it.",
    "Packs small, the poles feel sturdy and the fly is easy to clip on.",
    "Decent tent for the price though the pegs bent on hard ground.",
    "The door zip snagged on the first trip, otherwise it does the job.",
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(store_origins=(STORE,))


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


async def add_review(
    settings: Settings, product: Product, rating: int, *, days_ago: int = 0, **extra: Any
) -> Review:
    number = next(_numbers)
    result = await make_review(
        settings,
        product,
        rating=rating,
        title=f"Tent review {number}",
        body=f"{BODIES[number % len(BODIES)]} ({number})",
        display_name=f"Buyer {number}",
        source="import",
        import_key=f"test:{number}",
        submitted_at=datetime.now(UTC) - timedelta(days=days_ago),
        **extra,
    )
    return result.review


async def add_photo(review: Review, name: str = "tent") -> Photo:
    photo = await Photo.create(
        review=review,
        product_id=review.product_id,  # type: ignore[attr-defined]
        status="approved",
        web_name=f"{name}.webp",
        thumb_name=f"{name}-t.webp",
        width=800,
        height=600,
    )
    await Review.filter(id=review.id).update(has_photos=True)
    await refresh_rating(review.product_id)  # type: ignore[attr-defined]
    return photo


@dataclass
class Shop:
    tent: Product
    reviews: list[Review]


async def build_shop(
    settings: Settings, sku: str = "tent-2p", ratings: tuple[int, ...] = (5, 5, 4, 3, 1)
) -> Shop:
    """A tent with one review per rating in ``ratings`` (newest first), a photo and a public reply."""
    tent = await Product.create(external_id=sku, name="Trail Tent", url="https://shop.example/tent")
    reviews = [await add_review(settings, tent, rating, days_ago=day) for day, rating in enumerate(ratings)]
    await add_photo(reviews[1])
    await Reply.create(review=reviews[4], body="Sorry about the zip, we sent a new one.", is_public=True)
    await Reply.create(review=reviews[4], body="Private note", is_public=False)
    return Shop(tent, reviews)


@pytest.fixture
async def shop(db: str, settings: Settings) -> Shop:
    return await build_shop(settings)


@pytest.fixture
def api_key(db: str) -> Callable[..., Awaitable[str]]:
    async def make(*scopes: str) -> str:
        _, raw = await create_api_key("store", list(scopes))
        return raw

    return make


async def dana_order(product: Product, number: str = "5001") -> Order:
    """Dana bought ``product`` in order ``number``."""
    dana = await make_customer("Dana Buyer", email="dana@example.com")
    placed = datetime.now(UTC) - timedelta(days=10)
    return await make_order(dana, product, external_id=number, placed_at=placed)


async def tent_group(settings: Settings) -> tuple[Product, Product]:
    """A green and an orange tent, variants of one group, each with reviews."""
    group = await ProductGroup.create(key="trail-tent", name="Trail Tent")
    green = await Product.create(external_id="tent-green", name="Trail Tent, green", group=group)
    orange = await Product.create(external_id="tent-orange", name="Trail Tent, orange", group=group)
    await add_review(settings, green, 5)
    await add_review(settings, orange, 2)
    await add_review(settings, orange, 4)
    return green, orange
