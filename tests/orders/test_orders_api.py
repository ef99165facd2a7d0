from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from hub.catalog.models import Customer, Order, OrderLine, Product, tag_list
from hub.config import Settings
from hub.invites.models import Invitation
from hub.staff.apikeys import create_api_key
from tests.orders.conftest import order_payload


async def test_it_creates_an_order_with_its_customer_and_products(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await client.post("/api/v1/orders", json=order_payload(), headers=auth)
    assert response.status_code == 201
    assert response.json()["status"] == "created"
    order = await Order.get(id=response.json()["id"]).prefetch_related("customer", "lines")
    assert order.customer.email == "dana.buyer@example.com"
    assert order.customer.external_id == "c-77"
    assert order.total == Decimal("224.90")
    assert {(line.quantity, line.unit_price) for line in order.lines} == {
        (1, Decimal("199.90")),
        (2, Decimal("12.50")),
    }
    assert await Product.get(external_id="SKU-1").values_list("image_url", flat=True) == (
        "https://shop.example/tent.jpg"
    )


async def test_the_customers_country_and_tags_come_with_the_order(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    customer = {"email": "dana.buyer@example.com", "country": "de", "tags": "VIP, wholesale ,vip"}
    await client.post("/api/v1/orders", json=order_payload(customer=customer), headers=auth)
    stored = await Customer.get(email="dana.buyer@example.com")
    assert (stored.country, tag_list(stored.tags)) == ("DE", ["vip", "wholesale"])
    # A later order without tags keeps them; one with a new country moves the customer.
    later = order_payload(id="o-2", customer={"email": "dana.buyer@example.com", "country": "AT"})
    await client.post("/api/v1/orders", json=later, headers=auth)
    stored = await Customer.get(email="dana.buyer@example.com")
    assert (stored.country, tag_list(stored.tags)) == ("AT", ["vip", "wholesale"])


async def test_it_updates_a_resent_order_in_place(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    first = await client.post("/api/v1/orders", json=order_payload(), headers=auth)
    again = await client.post("/api/v1/orders", json=order_payload(), headers=auth)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "status": "updated"}
    assert (await Order.all().count(), await Customer.all().count()) == (1, 1)
    assert (await Product.all().count(), await OrderLine.all().count()) == (2, 2)


async def test_a_later_fulfilment_updates_the_order_and_schedules_one_invitation(
    client: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    await client.post("/api/v1/orders", json=order_payload(), headers=auth)
    assert not await Invitation.exists()
    shipped = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    fulfilled = order_payload(fulfilled_at=shipped.isoformat())
    response = await client.post("/api/v1/orders", json=fulfilled, headers=auth)
    await client.post("/api/v1/orders", json=fulfilled, headers=auth)
    assert response.status_code == 200
    invitation = await Invitation.get(order_id=response.json()["id"])
    assert invitation.send_at == shipped + settings.invite_delay
    assert response.json()["invitation_send_at"] == invitation.send_at.isoformat()
    assert await Invitation.all().count() == 1
    assert await Order.all().count() == 1


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"id": ""}, "id"),
        ({"customer": {"email": "not-an-email"}}, "customer/email"),
        ({"placed_at": "yesterday"}, "placed_at"),
        ({"currency": "dollars"}, "currency"),
        ({"customer": {"email": "dana@example.com", "country": "Germany"}}, "customer/country"),
        ({"customer": {"email": "dana@example.com", "tags": [1, 2]}}, "customer/tags"),
        ({"lines": []}, "lines"),
        ({"lines": [{"product": {"id": "SKU-1", "name": "Tent"}, "price": True}]}, "lines/0/price"),
        ({"lines": [{"product": {"id": "SKU-1", "name": "Tent"}, "price": 19.999}]}, "lines/0/price"),
        ({"lines": [{"product": {"id": "SKU-1", "name": "Tent"}, "price": "1.999"}]}, "lines/0/price"),
        ({"lines": [{"product": {"id": "SKU-1"}, "price": "1"}]}, "lines/0/product/name"),
        (
            {"lines": [{"product": {"id": "SKU-1", "name": "T"}, "quantity": 0, "price": "1"}]},
            "lines/0/quantity",
        ),
    ],
)
async def test_it_refuses_a_bad_field_with_its_path(
    client: httpx.AsyncClient, auth: dict[str, str], changes: dict[str, object], path: str
) -> None:
    response = await client.post("/api/v1/orders", json=order_payload(**changes), headers=auth)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert path in [error["path"] for error in response.json()["errors"]]
    assert not await Order.exists()


async def test_it_lists_every_bad_field_at_once(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    payload = order_payload(placed_at=None, customer={"email": ""})
    response = await client.post("/api/v1/orders", json=payload, headers=auth)
    errors = {error["path"]: error["reason"] for error in response.json()["errors"]}
    assert errors == {"customer/email": "is required", "placed_at": "is required"}


async def test_it_refuses_a_body_that_is_not_json(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.post("/api/v1/orders", content=b"{nope", headers=auth)
    assert response.status_code == 422


@pytest.mark.parametrize("header", [None, "Bearer fh_nope_nope", "Basic abc", "Bearer "])
async def test_it_refuses_a_missing_or_wrong_key(client: httpx.AsyncClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = await client.post("/api/v1/orders", json=order_payload(), headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert not await Order.exists()


@pytest.mark.parametrize("path", ["/api/v1/orders", "/api/v1/orders/batch"])
async def test_it_refuses_a_key_without_the_orders_scope(client: httpx.AsyncClient, path: str) -> None:
    _key, raw = await create_api_key("Reader", ["reviews:read"])
    response = await client.post(path, json=order_payload(), headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403
    assert not await Order.exists()


async def test_a_batch_stores_the_good_orders_and_reports_the_bad_ones(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    await client.post("/api/v1/orders", json=order_payload(id="1"), headers=auth)
    orders = [
        order_payload(id="1"),
        order_payload(id="2", placed_at="never"),
        order_payload(id="3"),
        order_payload(id="3"),
    ]
    response = await client.post("/api/v1/orders/batch", json={"orders": orders}, headers=auth)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["updated", "invalid", "created", "updated"]
    assert results[1]["errors"] == [
        {"path": "placed_at", "reason": ("must be an ISO 8601 date and time, e.g. 2025-03-01T12:00:00Z")}
    ]
    assert results[2]["id"] == results[3]["id"]
    assert sorted(await Order.all().values_list("external_id", flat=True)) == ["1", "3"]


async def test_a_batch_over_a_thousand_orders_is_refused(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    orders = [order_payload(id=str(n)) for n in range(1001)]
    response = await client.post("/api/v1/orders/batch", json={"orders": orders}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "orders"


async def test_the_same_orders_sent_at_once_from_many_clients_are_stored_once(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    """Overlapping customers and products race to be inserted; every request still succeeds."""

    def payload(number: int) -> dict[str, object]:
        skus = [f"RACE-{(number + step) % 6}" for step in (0, 2, 3)]
        return order_payload(
            id=f"R{number}",
            customer={"email": f"racer{number % 4}@example.com"},
            lines=[{"product": {"id": sku, "name": "Racer"}, "quantity": 1, "price": "5.00"} for sku in skus],
        )

    sends = [payload(number) for number in range(12) for _ in range(3)]
    answers = await asyncio.gather(
        *(client.post("/api/v1/orders", json=body, headers=auth) for body in sends)
    )
    assert Counter(answer.status_code for answer in answers) == Counter({201: 12, 200: 24})
    assert (await Order.all().count(), await Customer.all().count()) == (12, 4)
    assert (await Product.all().count(), await OrderLine.all().count()) == (6, 36)
