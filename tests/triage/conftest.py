"""Triage factories, and an app that serves the triage routes until hub.app lists them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hub.reviews.models import Review
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route, Router

from hub import urls
from hub.app import create_app
from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.config import Settings
from hub.triage import routes as triage_routes
from hub.triage.cases import open_case
from hub.triage.models import Case
from tests.conftest import csrf_from

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
_numbers = itertools.count(1)


async def _placeholder(request: Request) -> PlainTextResponse:
    return PlainTextResponse("placeholder")


def _missing(routes: list[BaseRoute], present: set[str]) -> list[BaseRoute]:
    placeholders = [
        Route("/s/{token}", _placeholder, name="survey_form"),
        Route("/r/{token}", _placeholder, name="review_form"),
    ]
    wanted = [*triage_routes.routes, *placeholders]
    return [r for r in wanted if getattr(r, "name", None) not in present]


def _names(routes: list[BaseRoute]) -> set[str]:
    return {str(getattr(route, "name", "")) for route in routes}


@pytest.fixture(autouse=True)
def link_routes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Mail links resolve even while another domain's page is still being written."""
    base = list(urls._router().routes)
    router = Router(routes=[*base, *_missing(base, _names(base))])
    monkeypatch.setattr(urls, "_router", lambda: router)
    yield


@pytest.fixture
def app(settings: Settings) -> Starlette:
    app = create_app(settings)
    present = _names(app.router.routes)
    app.router.routes.extend(r for r in triage_routes.routes if getattr(r, "name", "") not in present)
    return app


async def make_customer(email: str = "", name: str = "Dana Buyer") -> Customer:
    email = email or f"buyer{next(_numbers)}@example.net"
    return await Customer.create(email=email, name=name, stage="active")


async def make_product(name: str = "Trail Tent") -> Product:
    return await Product.create(external_id=f"P{next(_numbers)}", name=name)


async def make_order(
    customer: Customer, product: Product, total: str = "120.00", external_id: str = ""
) -> Order:
    order = await Order.create(
        source="api",
        external_id=external_id or f"O{next(_numbers)}",
        customer=customer,
        total=Decimal(total),
        placed_at=NOW - timedelta(days=20),
        fulfilled_at=NOW - timedelta(days=18),
    )
    await OrderLine.create(order=order, product=product, quantity=1, unit_price=Decimal(total))
    return order


async def make_case(
    settings: Settings,
    *,
    priority: str = "normal",
    reasons: tuple[str, ...] = ("low_rating",),
    body: str = "The tent arrived broken and support never answered.",
    rating: int = 1,
    evidence: tuple[tuple[Any, ...], ...] = (),
    now: datetime = NOW,
    customer: Customer | None = None,
    product: Product | None = None,
    order_id: str = "",
) -> Case:
    customer = customer or await make_customer()
    product = product or await make_product()
    order = await make_order(customer, product, external_id=order_id)
    review = await Review.create(
        product=product,
        customer=customer,
        order=order,
        rating=rating,
        title="Disappointed",
        body=body,
        submitted_at=now,
        flagged=True,
    )
    return await open_case(
        settings,
        reasons=reasons,
        priority=priority,
        evidence=evidence,
        customer=customer,
        review=review,
        order=order,
        product=product,
        now=now,
    )


async def post_action(
    client: httpx.AsyncClient, case: Case, action: str, htmx: bool = True, **data: str
) -> httpx.Response:
    token = await csrf_from(client, f"/admin/cases/{case.id}")
    headers = {"HX-Request": "true"} if htmx else {}
    return await client.post(
        f"/admin/cases/{case.id}/{action}", data={"csrf_token": token, **data}, headers=headers
    )
