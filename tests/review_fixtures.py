"""The review, photo, survey and form tests' product, customer, order, and reviews of that product."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from hub.catalog.models import Customer, Order, Product, ProductGroup
from hub.config import Settings
from hub.intake.submit import SubmissionResult
from tests.conftest import make_customer, make_order, make_product
from tests.conftest import make_review as review_of


@pytest.fixture
async def group(db: str) -> ProductGroup:
    return await ProductGroup.create(key="tents", name="Tents")


@pytest.fixture
async def product(db: str) -> Product:
    return await make_product("Two-person tent", external_id="tent-2p")


@pytest.fixture
async def customer(db: str) -> Customer:
    return await make_customer("Dana Buyer", email="dana@example.com")


@pytest.fixture
async def order(customer: Customer, product: Product) -> Order:
    return await make_order(customer, product, external_id="1001", placed_at=datetime(2025, 5, 1, tzinfo=UTC))


ReviewMaker = Callable[..., Awaitable[SubmissionResult]]


@pytest.fixture
def make_review(settings: Settings, product: Product) -> ReviewMaker:
    """Submit a review of ``product`` through the whole pipeline; keyword arguments override the defaults."""

    async def make(**overrides: Any) -> SubmissionResult:
        return await review_of(
            overrides.pop("settings", settings), overrides.pop("product", product), **overrides
        )

    return make
