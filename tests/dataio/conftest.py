"""Factories for the data tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.config import Settings
from hub.feedback.reviews import SubmissionResult, submit_review

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
_numbers = itertools.count(1)


async def make_customer(email: str = "", name: str = "Dana Buyer") -> Customer:
    return await Customer.create(email=email or f"buyer{next(_numbers)}@example.net", name=name)


async def make_product(name: str = "Trail Tent") -> Product:
    return await Product.create(external_id=f"P{next(_numbers)}", name=name)


async def make_order(customer: Customer, product: Product, total: str = "120.00") -> Order:
    order = await Order.create(
        source="api",
        external_id=f"O{next(_numbers)}",
        customer=customer,
        total=Decimal(total),
        placed_at=NOW - timedelta(days=20),
    )
    await OrderLine.create(order=order, product=product, quantity=1, unit_price=Decimal(total))
    return order


async def make_review(settings: Settings, product: Product, **overrides: Any) -> SubmissionResult:
    options: dict[str, Any] = {
        "product": product,
        "rating": 5,
        "title": "Great tent",
        "body": f"Pitched it in five minutes, stayed dry all night. ({next(_numbers)})",
        "display_name": "Dana B.",
        "source": "api",
    }
    options.update(overrides)
    return await submit_review(settings, **options)
