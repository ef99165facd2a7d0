"""Factories for the feedback tests: a product, a customer and an order."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.catalog.models import Customer, Order, OrderLine, Product, ProductGroup
from hub.config import Settings
from hub.intake.submit import SubmissionResult, submit_review
from hub.reviews import routes as feedback_routes
from hub.reviews import spam

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_ip_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spam, "ip_window", spam.IpWindow())


@pytest.fixture
def app(settings: Settings) -> Starlette:
    """The hub with the review moderation routes, wired or not yet in `hub.app`."""
    application = create_app(settings)
    names = {getattr(route, "name", None) for route in application.router.routes}
    if "review_moderation" not in names:
        application.router.routes.extend(feedback_routes.routes)
    return application


@pytest.fixture
async def group(db: str) -> ProductGroup:
    return await ProductGroup.create(key="tents", name="Tents")


@pytest.fixture
async def product(db: str) -> Product:
    return await Product.create(external_id="tent-2p", name="Two-person tent")


@pytest.fixture
async def customer(db: str) -> Customer:
    return await Customer.create(email="dana@example.com", name="Dana Buyer")


@pytest.fixture
async def order(customer: Customer, product: Product) -> Order:
    placed = await Order.create(
        source="api", external_id="1001", customer=customer, placed_at=datetime(2025, 5, 1, tzinfo=UTC)
    )
    await OrderLine.create(order=placed, product=product)
    return placed


ReviewMaker = Callable[..., Awaitable[SubmissionResult]]


@pytest.fixture
def make_review(settings: Settings, product: Product) -> ReviewMaker:
    """Submit a review through the whole pipeline; keyword arguments override the defaults."""

    async def make(**overrides: Any) -> SubmissionResult:
        options: dict[str, Any] = {
            "product": product,
            "rating": 5,
            "title": "Great tent",
            "body": f"Pitched it in five minutes, stayed dry all night. ({next(_numbers)})",
            "display_name": "Dana B.",
            "settings": settings,
        }
        options.update(overrides)
        return await submit_review(options.pop("settings"), **options)

    return make
