from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from hub.catalog.schema import CustomerIn, LineIn, OrderIn
from hub.config import Settings
from hub.orders.ingest import Outcome, ingest_order

SHIPPED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)

TENT = LineIn(
    "SKU-TENT",
    "Trail Tent",
    1,
    Decimal("199.90"),
    "https://shop.example/tent",
    "https://shop.example/tent.jpg",
)
MUG = LineIn("SKU-MUG", "Camp Mug", 2, Decimal("12.50"))


def dana_order(
    number: str = "1001",
    *,
    shipped: datetime | None = SHIPPED,
    email: str = "dana@example.com",
    lines: tuple[LineIn, ...] = (TENT, MUG),
    cancelled: datetime | None = None,
) -> OrderIn:
    """Dana (a regular buyer) orders a tent and a mug; it shipped two days ago."""
    return OrderIn(
        source="api",
        external_id=number,
        customer=CustomerIn(email, "Dana Buyer"),
        placed_at=(shipped or SHIPPED) - timedelta(days=1),
        lines=lines,
        fulfilled_at=shipped,
        cancelled_at=cancelled,
    )


@pytest.fixture
def ingest(settings: Settings, db: str):  # type: ignore[no-untyped-def]
    async def do(order: OrderIn) -> Outcome:
        return await ingest_order(settings, order)

    return do
