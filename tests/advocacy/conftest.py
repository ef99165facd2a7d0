"""Advocacy factories."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hub.catalog.models import Customer, Order
from hub.staff.apikeys import create_api_key

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
_numbers = itertools.count(1)


async def make_customer(
    name: str = "Dana Buyer", created: datetime | None = None, **fields: object
) -> Customer:
    customer = await Customer.create(email=f"buyer{next(_numbers)}@example.net", name=name, **fields)
    if created is not None:
        await Customer.filter(id=customer.id).update(created_at=created)
        customer.created_at = created
    return customer


async def make_order(
    customer: Customer,
    days_ago: float = 0,
    total: str = "100.00",
    when: datetime | None = None,
    **fields: object,
) -> Order:
    return await Order.create(
        source="api",
        external_id=f"O{next(_numbers)}",
        customer=customer,
        total=Decimal(total),
        placed_at=when or NOW - timedelta(days=days_ago),
        **fields,
    )


async def api_headers(scopes: list[str] | None = None) -> dict[str, str]:
    _key, raw = await create_api_key("metrics reader", scopes or ["metrics:read"])
    return {"Authorization": f"Bearer {raw}"}
