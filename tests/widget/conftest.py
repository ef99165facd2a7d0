"""Factories for the widget tests: a tent with reviews, photos and a reply, API keys."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hub.photos.models import Photo
from hub.reviews.models import Reply, Review
from starlette.applications import Starlette

from hub.app import create_app
from hub.catalog.models import Customer, Order, OrderLine, Product, ProductGroup
from hub.config import Settings
from hub.intake.submit import submit_review
from hub.reviews import spam
from hub.reviews.aggregates import refresh_rating
from hub.staff.apikeys import create_api_key
from hub.widget import cache, votes
from hub.widget import routes as widget_routes

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
def fresh_windows(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(spam, "ip_window", spam.IpWindow())
    monkeypatch.setattr(
        votes, "vote_window", spam.IpWindow(limit=votes.VOTES_PER_IP, window=votes.VOTE_WINDOW)
    )
    cache.clear()
    yield
    cache.clear()


def with_widget_routes(application: Starlette) -> Starlette:
    names = {getattr(route, "name", None) for route in application.router.routes}
    if "widget_js" not in names:
        application.router.routes.extend(widget_routes.routes)
    return application


@pytest.fixture
def app(settings: Settings) -> Starlette:
    """The hub with the widget routes, wired or not yet in `hub.app`."""
    return with_widget_routes(create_app(settings))


async def add_review(
    settings: Settings, product: Product, rating: int, *, days_ago: int = 0, **extra: Any
) -> Review:
    number = next(_numbers)
    result = await submit_review(
        settings,
        product=product,
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
    dana = await Customer.create(email="dana@example.com", name="Dana Buyer")
    order = await Order.create(
        source="api", external_id=number, customer=dana, placed_at=datetime.now(UTC) - timedelta(days=10)
    )
    await OrderLine.create(order=order, product=product)
    return order


async def tent_group(settings: Settings) -> tuple[Product, Product]:
    """A green and an orange tent, variants of one group, each with reviews."""
    group = await ProductGroup.create(key="trail-tent", name="Trail Tent")
    green = await Product.create(external_id="tent-green", name="Trail Tent, green", group=group)
    orange = await Product.create(external_id="tent-orange", name="Trail Tent, orange", group=group)
    await add_review(settings, green, 5)
    await add_review(settings, orange, 2)
    await add_review(settings, orange, 4)
    return green, orange
