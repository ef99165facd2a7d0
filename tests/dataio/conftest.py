"""The hub with the data routes and middleware (wired here until hub.app lists them), and factories."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from starlette.applications import Starlette

from hub.admin.metrics import MetricsMiddleware
from hub.app import create_app
from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.config import Settings
from hub.dataio import routes as dataio_routes
from hub.dataio.ratelimit import RateLimitMiddleware
from hub.intake.submit import SubmissionResult, submit_review
from hub.reviews import spam

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_ip_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spam, "ip_window", spam.IpWindow())


@pytest.fixture
def app(settings: Settings) -> Starlette:
    application = create_app(settings)
    present = {getattr(route, "name", None) for route in application.router.routes}
    application.router.routes.extend(
        route for route in dataio_routes.routes if getattr(route, "name", None) not in present
    )
    middleware = {entry.cls for entry in application.user_middleware}
    if RateLimitMiddleware not in middleware:
        application.add_middleware(RateLimitMiddleware, limits=settings.extra.get("rate_limits"))
    if MetricsMiddleware not in middleware:
        application.add_middleware(MetricsMiddleware)
    return application


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
