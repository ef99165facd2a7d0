"""What follows from a refund or a cancellation sent through the orders API: the figures count
what the shop kept, points and referral rewards are taken back, the stage moves at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from hub.advocacy.cohorts import cohort_table
from hub.advocacy.facts import gather_facts
from hub.advocacy.models import PointsEntry, Referral, StageSnapshot
from hub.advocacy.recognition import settle_points
from hub.advocacy.referral_rewards import reward_matured_referrals
from hub.advocacy.referrals import code_for, flywheel
from hub.advocacy.retention import Period, retention
from hub.advocacy.snapshots import restage_customers
from hub.advocacy.stages import Thresholds
from hub.catalog.models import Customer, Order
from hub.config import Settings
from hub.staff.apikeys import create_api_key

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def auth(db: str) -> dict[str, str]:
    _key, raw = await create_api_key("Store bridge", ["orders:write"])
    return {"Authorization": f"Bearer {raw}"}


def order(number: str, email: str, days_ago: int, total: str = "100.00", **fields: Any) -> dict[str, Any]:
    return {
        "id": number,
        "customer": {"email": email, "name": email.split("@")[0].title()},
        "placed_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "total": total,
        "lines": [{"product": {"id": "SKU-1", "name": "Trail Tent"}, "quantity": 1, "price": total}],
        **fields,
    }


async def send(client: httpx.AsyncClient, auth: dict[str, str], *orders: dict[str, Any]) -> None:
    for payload in orders:
        response = await client.post("/api/v1/orders", json=payload, headers=auth)
        assert response.status_code in (200, 201), response.text


async def refund(
    client: httpx.AsyncClient, auth: dict[str, str], number: str, amount: str, rid: str = "r"
) -> None:
    response = await client.post(
        f"/api/v1/orders/{number}/refunds", json={"id": rid, "amount": amount}, headers=auth
    )
    assert response.status_code == 200, response.text


def period() -> Period:
    return Period((NOW - timedelta(days=200)).date(), NOW.date())


async def test_retention_counts_purchases_at_what_the_shop_kept(
    client: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    await send(client, auth, order("1", "ann@example.net", 50), order("2", "ann@example.net", 20))
    await send(client, auth, order("3", "ben@example.net", 30, total="60.00"))
    before = await retention(settings, period())
    assert (before.orders, before.customers, before.repeat_customers) == (3, 2, 1)
    await refund(client, auth, "2", "100.00")  # in full: no purchase
    await refund(client, auth, "3", "15.00")  # in part: a purchase worth 45.00
    after = await retention(settings, period())
    assert (after.orders, after.customers, after.repeat_customers) == (2, 2, 0)
    assert after.average_order_value == Decimal("72.50")  # (100 + 45) / 2


async def test_a_fully_refunded_first_order_starts_no_cohort(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    await send(client, auth, order("1", "ann@example.net", 40), order("2", "cy@example.net", 40))
    assert sum(row.size for row in await cohort_table(period())) == 2
    await refund(client, auth, "2", "100.00")
    assert sum(row.size for row in await cohort_table(period())) == 1
    await send(client, auth, order("1", "ann@example.net", 40, cancelled_at=NOW.isoformat()))
    assert await cohort_table(period()) == []


async def test_lifetime_value_counts_what_the_shop_kept(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    await send(
        client, auth, order("1", "ann@example.net", 50), order("2", "ann@example.net", 20, total="80.00")
    )
    await refund(client, auth, "1", "30.00")
    await refund(client, auth, "2", "80.00")
    ann = await Customer.get(email="ann@example.net")
    [facts] = await gather_facts(ann.id, ann.id, NOW.date(), Thresholds())
    assert (facts.stage.orders, facts.value) == (1, Decimal("70.00"))


async def test_a_refunded_referred_order_withdraws_the_reward(
    client: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    await send(client, auth, order("1", "ada@example.net", 300))
    ada = await Customer.get(email="ada@example.net")
    code = (await code_for(ada)).code
    await send(client, auth, order("2", "fred@example.net", 5, referral_code=code))
    await send(client, auth, order("3", "gil@example.net", 5, referral_code=code))
    assert await PointsEntry.filter(customer=ada).count() == 0  # the return window is open
    assert await reward_matured_referrals(settings, NOW + timedelta(days=26)) == 2
    assert (
        await PointsEntry.filter(customer=ada).values_list("points", flat=True)
        == [Settings.referral_points] * 2
    )
    await refund(client, auth, "3", "40.00")  # in part, after the reward: his referral stands
    flow = await flywheel()
    assert (flow.total_customers, flow.total_revenue) == (2, Decimal("160.00"))
    await refund(client, auth, "2", "100.00")  # in full: Fred bought nothing
    outcomes = dict(await Referral.all().values_list("order__external_id", "outcome"))
    assert outcomes == {"2": "withdrawn", "3": "counted"}
    points = sorted(await PointsEntry.filter(customer=ada).values_list("points", flat=True))
    assert points == [-Settings.referral_points, Settings.referral_points, Settings.referral_points]
    flow = await flywheel()
    assert (flow.total_customers, flow.total_revenue) == (1, Decimal("60.00"))
    # Sent again, the refund takes nothing more.
    await refund(client, auth, "2", "100.00")
    assert await PointsEntry.filter(customer=ada).count() == 3


async def test_points_earned_on_an_order_follow_its_refunds(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    await send(client, auth, order("1", "ann@example.net", 10, total="200.00"))
    stored = await Order.get(external_id="1")
    entry = await PointsEntry.create(
        customer_id=stored.customer_id, points=200, reason="purchase", order=stored
    )
    await refund(client, auth, "1", "50.00", rid="a")  # a quarter back: a quarter of the points
    assert await PointsEntry.filter(reverses=entry).values_list("points", flat=True) == [-50]
    await refund(client, auth, "1", "50.00", rid="a")
    assert await PointsEntry.filter(reverses=entry).count() == 1
    await send(client, auth, order("1", "ann@example.net", 10, total="200.00", cancelled_at=NOW.isoformat()))
    assert sorted(await PointsEntry.filter(reverses=entry).values_list("points", flat=True)) == [-150, -50]
    assert await settle_points(await Order.get(external_id="1")) == 0


async def test_a_refund_moves_the_customers_stage_at_once(
    client: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    three = [order(str(n), "lou@example.net", days) for n, days in ((1, 70), (2, 40), (3, 10))]
    await send(client, auth, *three)
    lou = await Customer.get(email="lou@example.net")
    await restage_customers(settings, [lou.id], NOW)
    assert (await Customer.get(id=lou.id)).stage == "loyal"
    await refund(client, auth, "3", "100.00")
    moved = await Customer.get(id=lou.id)
    assert moved.stage != "loyal" and moved.stage_since is not None
    snapshot = await StageSnapshot.get(customer_id=lou.id, day=NOW.date())
    assert snapshot.stage == moved.stage
    assert moved.stage_since.date() == NOW.date()
