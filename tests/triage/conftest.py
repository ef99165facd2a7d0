"""Cases, each opened by a flagged one-star review of a bought product, and case actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.reviews.models import Review
from hub.triage.cases import open_case
from hub.triage.models import Case
from tests.conftest import NOW, csrf_from, make_customer, make_order, make_product


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
    customer = customer or await make_customer(stage="active")
    product = product or await make_product()
    order = await make_order(
        customer, product, total="120.00", external_id=order_id, fulfilled_at=NOW - timedelta(days=18)
    )
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
