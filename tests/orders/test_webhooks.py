from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.catalog.models import Customer, Order, Product, WebhookReceipt
from hub.config import Settings
from hub.invites.models import Invitation
from hub.orders.shopify import signature_of
from tests.orders.conftest import Send

HERE = Path(__file__).parent


def shopify_order(**changes: Any) -> dict[str, Any]:
    payload = json.loads((HERE / "shopify_order.json").read_text())
    payload.update(changes)
    return payload


def woocommerce_order(**changes: Any) -> dict[str, Any]:
    payload = json.loads((HERE / "woocommerce_order.json").read_text())
    payload.update(changes)
    return payload


async def test_a_signed_shopify_order_is_stored(send_shopify: Send) -> None:
    response = await send_shopify(shopify_order())
    assert response.status_code == 200
    order = await Order.get(source="shopify").prefetch_related("customer", "lines")
    assert order.external_id == "820982911946154508"
    assert order.customer.email == "jon@example.com"
    assert order.customer.name == "John Smith"
    assert order.total == Decimal("388.00")
    assert order.placed_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)
    assert [(line.quantity, line.unit_price) for line in order.lines] == [(2, Decimal("199.00"))]
    assert await Product.filter(external_id="632910392", name="IPod Nano - 8GB").exists()


@pytest.mark.parametrize("signature", [None, "", "bm90IHRoZSBzaWduYXR1cmU=", "sign-other"])
async def test_a_shopify_webhook_with_a_bad_or_missing_signature_is_refused(
    send_shopify: Send, signature: str | None
) -> None:
    if signature == "sign-other":
        signature = signature_of("another secret", json.dumps(shopify_order()).encode())
    response = await send_shopify(shopify_order(), signature=signature)
    assert response.status_code == 401
    assert not await Order.exists()
    assert not await Customer.exists()
    assert not await WebhookReceipt.exists()


async def test_a_repeated_shopify_delivery_changes_nothing(send_shopify: Send) -> None:
    await send_shopify(shopify_order())
    repeat = await send_shopify(shopify_order(total_price="1.00"))
    assert repeat.json() == {"status": "duplicate"}
    assert await Order.all().count() == 1
    assert (await Order.get()).total == Decimal("388.00")


async def test_orders_fulfilled_schedules_the_invitation(send_shopify: Send, settings: Settings) -> None:
    shipped = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    await send_shopify(shopify_order())
    fulfilled = shopify_order(
        fulfillment_status="fulfilled",
        fulfillments=[
            {
                "id": 255858046,
                "status": "success",
                "created_at": shipped.isoformat(),
                "tracking_company": "UPS",
                "shipment_status": None,
            }
        ],
    )
    response = await send_shopify(fulfilled, topic="orders/fulfilled", webhook_id="second")
    assert response.json()["status"] == "updated"
    order = await Order.get()
    assert order.fulfilled_at == shipped
    invitation = await Invitation.get(order_id=order.id)
    assert invitation.send_at == shipped + settings.invite_delay


async def test_a_shopify_discount_code_becomes_the_referral_code(send_shopify: Send) -> None:
    await send_shopify(shopify_order())
    assert (await Order.get()).referral_code == "FRIEND-JANE"


async def test_a_cancelled_shopify_order_gets_no_invitation(send_shopify: Send) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    payload = shopify_order(
        cancelled_at=now.isoformat(),
        fulfillment_status="fulfilled",
        fulfillments=[{"status": "success", "created_at": now.isoformat()}],
    )
    await send_shopify(payload, topic="orders/updated")
    assert (await Order.get()).cancelled_at == now
    assert not await Invitation.exists()


async def test_a_signed_woocommerce_order_is_stored(send_woocommerce: Send) -> None:
    response = await send_woocommerce(woocommerce_order())
    assert response.status_code == 200
    order = await Order.get(source="woocommerce").prefetch_related("customer")
    assert order.external_id == "727"
    assert (order.customer.email, order.customer.name) == ("john.doe@example.com", "John Doe")
    assert order.customer.external_id is None
    assert order.referral_code == "spring-friend"
    assert order.placed_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)
    assert order.fulfilled_at is None
    assert await Product.filter(external_id="22", name="Ship Your Idea – Color: Black, Size: M Test").exists()


async def test_a_completed_woocommerce_order_is_fulfilled(send_woocommerce: Send, settings: Settings) -> None:
    done = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    await send_woocommerce(woocommerce_order())
    completed = woocommerce_order(
        status="completed", date_completed_gmt=done.replace(tzinfo=None).isoformat()
    )
    await send_woocommerce(completed, delivery="d-2")
    order = await Order.get()
    assert order.fulfilled_at == done
    assert (await Invitation.get(order_id=order.id)).send_at == done + settings.invite_delay


async def test_a_woocommerce_webhook_signed_with_another_secret_is_refused(send_woocommerce: Send) -> None:
    response = await send_woocommerce(woocommerce_order(), secret="wrong")
    assert response.status_code == 401
    assert not await Order.exists()


async def test_the_woocommerce_ping_is_answered(client: httpx.AsyncClient) -> None:
    response = await client.post("/webhooks/woocommerce", data={"webhook_id": "12"})
    assert response.status_code == 200
    assert not await Order.exists()


async def test_a_webhook_order_without_an_email_is_skipped_not_retried(send_shopify: Send) -> None:
    payload = copy.deepcopy(shopify_order(email=None, contact_email=None))
    payload["customer"]["email"] = None
    response = await send_shopify(payload)
    assert response.status_code == 200
    assert response.json()["status"] == "skipped"
    assert not await Order.exists()


async def _every_row() -> dict[str, list[dict[str, Any]]]:
    """What the hub holds, table by table, apart from the delivery receipts themselves."""
    from tortoise import Tortoise

    rows: dict[str, list[dict[str, Any]]] = {}
    for name, model in Tortoise.apps["hub"].items():
        if model is not WebhookReceipt:
            rows[name] = sorted(await model.all().values(), key=lambda row: str(row.get("id")))
    return rows


def _fulfilled_shopify_order() -> dict[str, Any]:
    shipped = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0).isoformat()
    return shopify_order(
        fulfillment_status="fulfilled", fulfillments=[{"id": 1, "status": "success", "created_at": shipped}]
    )


@pytest.mark.parametrize("topic", ["orders/create", "orders/fulfilled", "orders/updated"])
async def test_a_shopify_body_replayed_under_a_new_delivery_id_changes_nothing(
    send_shopify: Send, topic: str
) -> None:
    body = _fulfilled_shopify_order()
    assert (await send_shopify(body, topic=topic, webhook_id="first")).status_code == 200
    before = await _every_row()
    assert before["Order"] and before["OrderLine"] and before["Invitation"]
    replay = await send_shopify(body, topic=topic, webhook_id="replayed-under-a-new-id")
    assert replay.status_code == 200
    assert await _every_row() == before


async def test_a_woocommerce_body_replayed_under_a_new_delivery_id_changes_nothing(
    send_woocommerce: Send,
) -> None:
    body = woocommerce_order(status="completed", date_completed_gmt="2025-05-02T10:00:00")
    assert (await send_woocommerce(body, delivery="d-1")).status_code == 200
    before = await _every_row()
    assert before["Order"] and before["Customer"]
    assert (await send_woocommerce(body, delivery="d-2")).status_code == 200
    assert await _every_row() == before
