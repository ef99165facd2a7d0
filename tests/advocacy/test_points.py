"""Points by the shop's rules: an order earns them pending its return window, they mature,
refunds take them back (in part or in full), and quiet points expire after a reminder mail.
The retention report shows what the shop owes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hub.advocacy.expiry import expire_points, remind_points_expiry
from hub.advocacy.models import PointsEntry
from hub.advocacy.points import Source, balance_of, earn, mature_points
from hub.catalog.models import Customer, Order
from hub.config import Settings
from hub.mail.sender import send_due
from hub.staff.apikeys import create_api_key
from hub.staff.models import StaffUser
from tests.conftest import make_customer
from tests.mail.conftest import MailCollector

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shop gives a point per dollar, pending 30 days; a point is worth a cent."""
    return settings.with_overrides(
        points_per_currency_unit=1.0, points_return_window_days=30, point_value=0.01
    )


@pytest.fixture
async def auth(db: str) -> dict[str, str]:
    _key, raw = await create_api_key("Store bridge", ["orders:write"])
    return {"Authorization": f"Bearer {raw}"}


def order(number: str, total: str = "120.00", **fields: Any) -> dict[str, Any]:
    return {
        "id": number,
        "customer": {"email": "ann@example.net", "name": "Ann Buyer"},
        "placed_at": (NOW - timedelta(days=2)).isoformat(),
        "total": total,
        "lines": [{"product": {"id": "SKU-1", "name": "Trail Tent"}, "quantity": 1, "price": total}],
        **fields,
    }


async def post(client: httpx.AsyncClient, path: str, payload: dict[str, Any], auth: dict[str, str]) -> None:
    response = await client.post(path, json=payload, headers=auth)
    assert response.status_code in (200, 201), response.text


async def test_an_order_earns_points_that_stay_pending_until_the_return_window_passes(
    client: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    await post(client, "/api/v1/orders", order("1"), auth)
    await post(client, "/api/v1/orders", order("1"), auth)  # the same order again earns nothing more
    ann = await Customer.get(email="ann@example.net")
    assert await balance_of(ann.id) == (0, 120)
    assert await mature_points(settings, NOW + timedelta(days=27)) == 0  # 2 days old + 27 < 30
    assert await mature_points(settings, NOW + timedelta(days=29)) == 1
    balance = await balance_of(ann.id)
    assert (balance.balance, balance.pending) == (120, 0)


@pytest.mark.parametrize(("refunded", "left"), [("30.00", 90), ("120.00", 0)])
async def test_a_refund_reverses_the_orders_points_in_proportion(
    client: httpx.AsyncClient, auth: dict[str, str], settings: Settings, refunded: str, left: int
) -> None:
    await post(client, "/api/v1/orders", order("7"), auth)
    await post(client, "/api/v1/orders/7/refunds", {"id": "r1", "amount": refunded}, auth)
    ann = await Customer.get(email="ann@example.net")
    earned = await PointsEntry.get(customer=ann, source=Source.ORDER.value)
    reversal = await PointsEntry.get(reverses=earned)
    assert reversal.points == left - 120 and reversal.order_id == earned.order_id
    assert await balance_of(ann.id) == (0, left)  # the reversal is pending with what it reverses
    await mature_points(settings, NOW + timedelta(days=40))
    assert await balance_of(ann.id) == (left, 0)


async def test_quiet_points_expire_after_a_reminder_mail(
    db: str, smtp_settings: Settings, mailbox: MailCollector
) -> None:
    shop = smtp_settings.with_overrides(points_expiry_days=365, points_expiry_reminder_days=14)
    ann = await make_customer("Ann Buyer", email="ann@example.net")
    entry = await earn(ann.id, 300, "review", source=Source.REVIEW)
    assert entry is not None
    await PointsEntry.filter(id=entry.id).update(created_at=NOW - timedelta(days=355))

    assert await remind_points_expiry(shop, NOW) == 1
    assert await remind_points_expiry(shop, NOW + timedelta(days=1)) == 0  # one reminder per quiet spell
    await send_due(shop, datetime.now(UTC))
    (mail,) = mailbox.received
    assert mail["To"] == "ann@example.net"
    expires_on = (NOW + timedelta(days=10)).date().isoformat()
    assert mail["Subject"] == f"Your 300 points at {shop.brand_name} expire on {expires_on}"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "See your points and what you can get for them: http" in text and "/points" in text

    assert await expire_points(shop, NOW) == 0
    assert await expire_points(shop, NOW + timedelta(days=11)) == 1
    assert await expire_points(shop, NOW + timedelta(days=12)) == 0
    expired = await PointsEntry.get(customer=ann, source=Source.EXPIRY.value)
    assert expired.points == -300 and "without activity" in expired.reason
    assert await balance_of(ann.id) == (0, 0)


async def test_the_retention_report_shows_the_points_liability(
    client: httpx.AsyncClient, auth: dict[str, str], login, alice: StaffUser, settings: Settings
) -> None:
    await post(client, "/api/v1/orders", order("1", total="500.00"), auth)  # 500 pending
    ann = await Customer.get(email="ann@example.net")
    await earn(ann.id, 1000, "badge", source=Source.STAFF)
    await PointsEntry.create(customer=ann, points=-400, reason="code X", source=Source.REDEEM.value)
    await PointsEntry.create(customer=ann, points=-100, reason="expired", source=Source.EXPIRY.value)
    await login(alice)
    page = (await client.get("/admin/retention")).text
    assert '<span class="number" id="fig-points-liability">5.00</span>' in page  # 500 matured × 0.01
    assert '<span class="number" id="fig-points-pending">500</span>' in page
    assert '<span class="number" id="fig-points-issued">1500</span>' in page
    assert '<span class="number" id="fig-points-redeemed">400</span>' in page
    assert '<span class="number" id="fig-points-expired">100</span>' in page
    assert '<span class="number" id="fig-points-redemption-rate">26.7 %</span>' in page
    assert await Order.all().count() == 1
