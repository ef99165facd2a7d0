"""Every shared webhook body, signed as the platform signs it, compared field by field with
what the hub stored: customers, orders, lines, amounts, refunds and cancellations."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from hub.catalog.models import Order, OrderLine, Refund, WebhookReceipt
from tests.orders.conftest import Send

ROOT = Path(__file__).resolve().parents[2]
# shared/ lies beside the project; a helper's worktree (/work/wt/NAME) has it one level up.
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if p.exists()), ROOT.parent / "shared"
)
WEBHOOKS = SHARED / "data" / "webhooks"
CENT = Decimal("0.01")

# The topic each body was sent under (the folder's README).
SHOPIFY_ORDERS = {
    "membi_orders_create_dis2.json": "orders/create",
    "membi_orders_create_dis3.json": "orders/create",
    "membi_orders_create_dis4.json": "orders/create",
    "membi_orders_create_no_dis.json": "orders/create",
    "membi_orders_cancelled.json": "orders/cancelled",
    "shopify_python_api_order.json": "orders/updated",
    "activepieces_orders_paid.json": "orders/paid",
    "orders_fulfilled_giftcard_test.json": "orders/fulfilled",
}
WOOCOMMERCE_ORDERS = {
    "woo_docs_order727_processing.json": "order.created",
    "woo_docs_order727_completed.json": "order.updated",
    "order106_sek_guest_processing.json": "order.created",
    "order30280_chf_completed.json": "order.updated",
}


def shared(platform: str, name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((WEBHOOKS / platform / name).read_text(encoding="utf-8"))
    return payload


def test_every_shared_body_is_covered() -> None:
    names = {path.name for path in (WEBHOOKS / "shopify").glob("*.json")}
    refunds = {"pipedream_refunds_create.json", "shopify_python_api_refund.json"}
    assert names == set(SHOPIFY_ORDERS) | refunds
    assert {path.name for path in (WEBHOOKS / "woocommerce").glob("*.json")} == set(WOOCOMMERCE_ORDERS)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


async def stored(source: str, external_id: Any) -> Order:
    return await Order.get(source=source, external_id=str(external_id)).prefetch_related("customer")


async def stored_lines(order: Order) -> dict[str, tuple[int, Decimal, int, Decimal]]:
    lines = await OrderLine.filter(order_id=order.id).prefetch_related("product")
    return {
        ln.product.external_id: (ln.quantity, ln.unit_price, ln.refunded_quantity, ln.refunded_amount)
        for ln in lines
    }


def shopify_lines(payload: dict[str, Any]) -> dict[str, tuple[int, Decimal]]:
    """Variants of one product are one line: their quantities add up, at the first one's price."""
    lines: dict[str, tuple[int, Decimal]] = {}
    for item in payload["line_items"]:
        key = str(item["product_id"])
        quantity, price = lines.get(key, (0, money(item["price"])))
        lines[key] = (quantity + item["quantity"], price)
    return lines


def shopify_email(payload: dict[str, Any]) -> str:
    customer = payload.get("customer") or {}
    return str(payload.get("email") or payload.get("contact_email") or customer.get("email") or "")


def shopify_refunded(refund: dict[str, Any]) -> Decimal:
    return sum(
        (
            money(t["amount"])
            for t in refund["transactions"]
            if t["kind"] == "refund" and t["status"] == "success"
        ),
        Decimal("0"),
    )


@pytest.mark.parametrize("name", sorted(SHOPIFY_ORDERS))
async def test_each_shopify_order_body_is_stored_as_sent(db: str, send_shopify: Send, name: str) -> None:
    payload = shared("shopify", name)
    response = await send_shopify(payload, topic=SHOPIFY_ORDERS[name], webhook_id=f"w-{name}")
    assert response.status_code == 200
    if not shopify_email(payload):
        # A guest or draft order with no address: taken (so Shopify does not retry) and said why.
        assert response.json()["status"] == "skipped"
        assert {"path": "customer/email", "reason": "is required"} in response.json()["errors"]
        assert not await Order.exists(external_id=str(payload["id"]))
        return
    order = await stored("shopify", payload["id"])
    assert order.customer.email == shopify_email(payload).lower()
    shipped_to = payload.get("shipping_address") or payload.get("billing_address") or {}
    assert order.customer.country == (shipped_to.get("country_code") or "")  # a segment field
    assert order.currency == payload["currency"]
    assert order.total == money(payload["total_price"])
    assert order.placed_at == moment(payload["created_at"])
    assert order.cancelled_at == (moment(payload["cancelled_at"]) if payload["cancelled_at"] else None)
    lines = await stored_lines(order)
    assert {key: value[:2] for key, value in lines.items()} == shopify_lines(payload)
    refunds = {r.external_id: r for r in await Refund.filter(order_id=order.id)}
    assert set(refunds) == {str(r["id"]) for r in payload.get("refunds", [])}
    for refund in payload.get("refunds", []):
        assert refunds[str(refund["id"])].amount == shopify_refunded(refund)
        assert refunds[str(refund["id"])].refunded_at == moment(refund["processed_at"])
    given = sum((shopify_refunded(r) for r in payload.get("refunds", [])), Decimal("0"))
    assert order.refunded_total == min(given, order.total)
    assert (order.refunded_at is not None) == (payload["financial_status"] == "refunded")
    assert order.is_purchase == (
        payload["cancelled_at"] is None and payload["financial_status"] != "refunded"
    )


async def test_the_cancelled_shopify_order_is_refunded_in_full_line_by_line(
    db: str, send_shopify: Send
) -> None:
    payload = shared("shopify", "membi_orders_cancelled.json")
    await send_shopify(payload, topic="orders/cancelled")
    order = await stored("shopify", payload["id"])
    item = payload["refunds"][0]["refund_line_items"][0]
    assert await stored_lines(order) == {
        str(item["line_item"]["product_id"]): (1, Decimal("99.00"), item["quantity"], money(item["subtotal"]))
    }
    assert order.kept_revenue == Decimal("0") and not order.is_purchase


async def test_shopifys_documented_refund_joins_its_order(db: str, send_shopify: Send) -> None:
    order_body = shared("shopify", "shopify_python_api_order.json")
    refund_body = shared("shopify", "shopify_python_api_refund.json")
    await send_shopify(order_body, topic="orders/updated", webhook_id="w-order")
    response = await send_shopify(refund_body, topic="refunds/create", webhook_id="w-refund")
    assert response.json() == {
        "order": "450789469",
        "status": "partially_refunded",
        "refunded_total": "209.00",
    }
    order = await stored("shopify", order_body["id"])
    refund = await Refund.get(order_id=order.id)
    assert refund.external_id == str(refund_body["id"]) and refund.amount == Decimal("209.00")
    assert refund.refunded_at == moment(refund_body["created_at"])
    # Two variants of the one product came back: 2 of its 3, at the line's price.
    assert (await stored_lines(order))["632910392"] == (3, Decimal("199.00"), 2, Decimal("398.00"))
    assert order.kept_revenue == money(order_body["total_price"]) - Decimal("209.00")
    # The same refund again, and inside a later orders/updated, is still one refund.
    again = await send_shopify(refund_body, topic="refunds/create", webhook_id="w-refund-2")
    assert again.json()["refunded_total"] == "209.00"
    with_refund = {**order_body, "refunds": [refund_body], "financial_status": "partially_refunded"}
    await send_shopify(with_refund, topic="orders/updated", webhook_id="w-order-2")
    assert await Refund.filter(order_id=order.id).count() == 1
    assert (await stored("shopify", order_body["id"])).refunded_total == Decimal("209.00")


async def test_a_refund_of_an_order_the_hub_never_saw_is_taken_and_skipped(
    db: str, send_shopify: Send
) -> None:
    body = shared("shopify", "pipedream_refunds_create.json")
    response = await send_shopify(body, topic="refunds/create", webhook_id="w-pipedream")
    assert response.status_code == 200
    assert response.json() == {
        "status": "skipped",
        "errors": [{"path": "order_id", "reason": "no such order here"}],
    }
    assert await Refund.all().count() == 0
    repeat = await send_shopify(body, topic="refunds/create", webhook_id="w-pipedream")
    assert repeat.json() == {"status": "duplicate"}


async def test_pipedreams_refund_is_kept_by_line_once_its_order_is_here(db: str, send_shopify: Send) -> None:
    body = shared("shopify", "pipedream_refunds_create.json")
    item = body["refund_line_items"][0]["line_item"]
    order = copy.deepcopy(shared("shopify", "shopify_python_api_order.json"))
    order.update(id=body["order_id"], currency="VND", total_price="20.00", refunds=[])
    order["line_items"] = [
        {**order["line_items"][0], "product_id": item["product_id"], "price": item["price"]}
    ]
    await send_shopify(order, topic="orders/create", webhook_id="w-vnd")
    response = await send_shopify(body, topic="refunds/create", webhook_id="w-pipedream")
    assert response.json()["status"] == "refunded"
    stored_order = await stored("shopify", body["order_id"])
    assert (await stored_lines(stored_order))[str(item["product_id"])][2:] == (1, Decimal("20.00"))
    assert stored_order.refunded_at == moment(body["processed_at"]) and not stored_order.is_purchase


async def test_a_voided_shopify_order_is_a_cancellation(db: str, send_shopify: Send) -> None:
    payload = {**shared("shopify", "shopify_python_api_order.json"), "financial_status": "voided"}
    await send_shopify(payload, topic="orders/updated")
    order = await stored("shopify", payload["id"])
    assert order.cancelled_at == moment(payload["updated_at"]) and not order.is_purchase


@pytest.mark.parametrize("topic", ["customers/create", "products/update", "app/uninstalled"])
async def test_a_topic_the_hub_does_not_use_is_answered_200_and_named(
    db: str, send_shopify: Send, topic: str
) -> None:
    response = await send_shopify(shared("shopify", "shopify_python_api_order.json"), topic=topic)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ignored",
        "topic": topic,
        "reason": "the hub does not use this topic",
    }
    assert await Order.all().count() == 0 and await WebhookReceipt.all().count() == 0


def woocommerce_lines(payload: dict[str, Any]) -> dict[str, tuple[int, Decimal]]:
    """What the customer paid per item: with tax-inclusive prices the line's total and tax."""
    lines = {}
    for item in payload["line_items"]:
        if payload["prices_include_tax"]:
            price = ((money(item["total"]) + money(item["total_tax"])) / item["quantity"]).quantize(CENT)
        else:
            price = money(item["price"])
        lines[str(item["product_id"])] = (item["quantity"], price)
    return lines


@pytest.mark.parametrize("name", sorted(WOOCOMMERCE_ORDERS))
async def test_each_woocommerce_body_is_stored_as_sent(db: str, send_woocommerce: Send, name: str) -> None:
    payload = shared("woocommerce", name)
    response = await send_woocommerce(payload, topic=WOOCOMMERCE_ORDERS[name], delivery=f"d-{name}")
    assert response.status_code == 200 and response.json()["status"] in {"created", "updated"}
    order = await stored("woocommerce", payload["id"])
    assert order.customer.email == payload["billing"]["email"].lower()
    assert order.customer.country == (payload["shipping"].get("country") or payload["billing"].get("country"))
    assert order.customer.name == f"{payload['billing']['first_name']} {payload['billing']['last_name']}"
    assert order.currency == payload["currency"] and order.total == money(payload["total"])
    assert order.placed_at == moment(payload["date_created_gmt"] + "+00:00")
    lines = await stored_lines(order)
    assert {key: value[:2] for key, value in lines.items()} == woocommerce_lines(payload)
    assert order.cancelled_at is None and order.refunded_total == Decimal("0")


async def test_tax_inclusive_woocommerce_lines_add_up_to_the_order_total(
    db: str, send_woocommerce: Send
) -> None:
    payload = shared("woocommerce", "order106_sek_guest_processing.json")
    await send_woocommerce(payload)
    order = await stored("woocommerce", payload["id"])
    lines = await stored_lines(order)
    assert lines == {
        "11": (1, Decimal("299.00"), 0, Decimal("0")),
        "62": (1, Decimal("679.00"), 0, Decimal("0")),
    }
    paid = sum((quantity * price for quantity, price, _q, _a in lines.values()), Decimal("0"))
    assert paid + money(payload["shipping_total"]) + money(payload["shipping_tax"]) == order.total


async def test_woocommerce_refunds_cancellations_and_failures(db: str, send_woocommerce: Send) -> None:
    base = shared("woocommerce", "woo_docs_order727_completed.json")
    partial = {**base, "refunds": [{"id": 801, "reason": "one mug broke", "total": "-3.23"}]}
    await send_woocommerce(partial, delivery="d-1")
    order = await stored("woocommerce", base["id"])
    assert order.refunded_total == Decimal("3.23") and order.is_purchase
    assert order.kept_revenue == money(base["total"]) - Decimal("3.23")
    whole = {
        **partial,
        "status": "refunded",
        "refunds": [*partial["refunds"], {"id": 802, "total": "-26.12"}],
    }
    await send_woocommerce(whole, delivery="d-2")
    order = await stored("woocommerce", base["id"])
    assert {r.external_id: r.amount for r in await Refund.filter(order_id=order.id)} == {
        "801": Decimal("3.23"),
        "802": Decimal("26.12"),
    }
    assert order.refunded_at == moment(base["date_modified_gmt"] + "+00:00") and order.cancelled_at is None
    for status, number in (("cancelled", 900), ("failed", 901)):
        await send_woocommerce({**base, "id": number, "status": status}, delivery=f"d-{status}")
        called_off = await stored("woocommerce", number)
        assert called_off.cancelled_at == moment(base["date_modified_gmt"] + "+00:00")
        assert called_off.refunded_total == Decimal("0") and not called_off.is_purchase


async def test_a_woocommerce_order_refunded_without_a_refunds_list_is_refunded_whole(
    db: str, send_woocommerce: Send
) -> None:
    base = shared("woocommerce", "order30280_chf_completed.json")
    await send_woocommerce({**base, "status": "refunded"})
    order = await stored("woocommerce", base["id"])
    assert order.refunded_total == money(base["total"]) and order.refunded_at is not None
