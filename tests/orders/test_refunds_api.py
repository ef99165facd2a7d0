"""Refunds and cancellations through the orders API and the CSV import: kept by id, by line
and on the order, with what follows for the invitation."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from hub.catalog.models import Order, OrderLine, Product, Refund
from hub.config import Settings
from hub.invites.models import Invitation, InvitationStatus
from hub.orders.csv_import import import_orders
from hub.reviews.models import Review
from tests.orders.conftest import order_payload
from tests.orders.test_order_exports import SHOPIFY

SHIPPED = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)


def refund(refund_id: str = "r-1", **fields: Any) -> dict[str, Any]:
    return {"id": refund_id, "refunded_at": "2025-03-05T09:00:00Z", **fields}


async def lines_of(order_id: int) -> dict[str, tuple[int, Decimal]]:
    lines = await OrderLine.filter(order_id=order_id).prefetch_related("product")
    return {ln.product.external_id: (ln.refunded_quantity, ln.refunded_amount) for ln in lines}


async def test_a_partial_refund_by_line_is_kept_on_the_line_and_the_order(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    mug_back = refund(lines=[{"product_id": "SKU-2", "quantity": 1}])
    response = await client.post("/api/v1/orders", json=order_payload(refunds=[mug_back]), headers=auth)
    assert response.status_code == 201
    order = await Order.get(id=response.json()["id"])
    assert await lines_of(order.id) == {"SKU-1": (0, Decimal("0")), "SKU-2": (1, Decimal("12.50"))}
    assert (order.refunded_total, order.refunded_at, order.is_purchase) == (Decimal("12.50"), None, True)
    assert order.kept_revenue == Decimal("212.40")
    stored = await Refund.get(order_id=order.id)
    assert (stored.external_id, stored.amount) == ("r-1", Decimal("12.50"))
    assert stored.refunded_at == datetime(2025, 3, 5, 9, tzinfo=UTC)
    # Sending the order again, or with a second refund, merges by the refund's id.
    tent_credit = refund("r-2", amount="20.00")
    await client.post("/api/v1/orders", json=order_payload(refunds=[mug_back]), headers=auth)
    await client.post("/api/v1/orders", json=order_payload(refunds=[mug_back, tent_credit]), headers=auth)
    await client.post("/api/v1/orders", json=order_payload(), headers=auth)  # refunds left out: kept
    order = await Order.get(id=order.id)
    assert await Refund.filter(order_id=order.id).count() == 2
    assert order.refunded_total == Decimal("32.50") and order.kept_revenue == Decimal("192.40")
    assert await lines_of(order.id) == {"SKU-1": (0, Decimal("0")), "SKU-2": (1, Decimal("12.50"))}


async def test_a_refund_of_every_line_is_a_full_refund(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    everything = refund(
        amount="224.90",
        lines=[
            {"product_id": "SKU-1", "quantity": 1},
            {"product_id": "SKU-2", "quantity": 2, "amount": "25.00"},
        ],
    )
    response = await client.post("/api/v1/orders", json=order_payload(refunds=[everything]), headers=auth)
    order = await Order.get(id=response.json()["id"])
    assert order.refunded_at == datetime(2025, 3, 5, 9, tzinfo=UTC)
    assert (order.is_purchase, order.kept_revenue, order.refunded_share) == (
        False,
        Decimal("0"),
        Decimal("1"),
    )
    assert await lines_of(order.id) == {"SKU-1": (1, Decimal("199.90")), "SKU-2": (2, Decimal("25.00"))}


async def test_bad_refunds_are_named_field_by_field_and_nothing_is_stored(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    bad = [
        refund("r-1", lines=[{"product_id": "SKU-9", "quantity": 1}]),
        refund("r-2"),
        refund("r-2", amount="-4.00"),
        {"amount": "1.00", "refunded_at": "yesterday"},
    ]
    response = await client.post("/api/v1/orders", json=order_payload(refunds=bad), headers=auth)
    assert response.status_code == 422
    paths = {e["path"]: e["reason"] for e in response.json()["errors"]}
    assert paths["refunds/0/lines/0/product_id"] == "is not a product of the order's lines"
    assert paths["refunds/1/amount"] == "is required when the refund names no lines"
    assert paths["refunds/2/amount"] == "must be a number from 0 to 9999999999.99"
    assert {"refunds/3/id", "refunds/3/refunded_at", "refunds"} <= set(paths)
    assert not await Order.exists() and not await Refund.exists()


async def test_the_refunds_endpoint_adds_a_refund_to_an_order(
    client: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    created = await client.post(
        "/api/v1/orders", json=order_payload(fulfilled_at=SHIPPED.isoformat()), headers=auth
    )
    order_id = created.json()["id"]
    assert (await Invitation.get(order_id=order_id)).status == InvitationStatus.SCHEDULED
    part = await client.post(
        "/api/v1/orders/1001/refunds", json={"id": "re-1", "lines": [{"product_id": "SKU-2"}]}, headers=auth
    )
    assert part.status_code == 200
    assert part.json() == {"order": "1001", "status": "partially_refunded", "refunded_total": "12.50"}
    assert (await Invitation.get(order_id=order_id)).status == InvitationStatus.SCHEDULED
    rest = await client.post(
        "/api/v1/orders/1001/refunds", json={"id": "re-2", "amount": "212.40"}, headers=auth
    )
    assert rest.json() == {"order": "1001", "status": "refunded", "refunded_total": "224.90"}
    # A review request not sent yet for a fully refunded order is called off.
    assert (await Invitation.get(order_id=order_id)).status == InvitationStatus.CANCELLED
    assert (await Order.get(id=order_id)).refunded_at is not None
    again = await client.post(
        "/api/v1/orders/1001/refunds", json={"id": "re-2", "amount": "212.40"}, headers=auth
    )
    assert again.json()["refunded_total"] == "224.90" and await Refund.filter(order_id=order_id).count() == 2


async def test_the_refunds_endpoint_refuses_what_it_cannot_store(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    await client.post("/api/v1/orders", json=order_payload(), headers=auth)
    unknown = await client.post(
        "/api/v1/orders/404/refunds", json={"id": "x", "amount": "1.00"}, headers=auth
    )
    assert unknown.status_code == 404
    stranger = await client.post(
        "/api/v1/orders/1001/refunds", json={"id": "x", "lines": [{"product_id": "SKU-9"}]}, headers=auth
    )
    assert stranger.status_code == 422
    assert stranger.json()["errors"] == [
        {"path": "lines/0/product_id", "reason": "is not a product of the order's lines"}
    ]
    no_id = await client.post("/api/v1/orders/1001/refunds", json={"amount": "1.00"}, headers=auth)
    assert no_id.status_code == 422 and no_id.json()["errors"][0]["path"] == "id"
    unauthorised = await client.post("/api/v1/orders/1001/refunds", json={"id": "x", "amount": "1.00"})
    assert unauthorised.status_code == 401
    assert not await Refund.exists()


async def test_a_review_already_written_stays_when_its_order_is_refunded(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    created = await client.post("/api/v1/orders", json=order_payload(), headers=auth)
    order = await Order.get(id=created.json()["id"]).prefetch_related("customer")
    tent = await Product.get(external_id="SKU-1")
    now = datetime.now(UTC)
    review = await Review.create(
        product=tent,
        customer=order.customer,
        rating=2,
        body="Leaked",
        status="published",
        submitted_at=now,
        published_at=now,
        verified_buyer=True,
    )
    await client.post("/api/v1/orders/1001/refunds", json={"id": "all", "amount": "224.90"}, headers=auth)
    kept = await Review.get(id=review.id)
    assert (kept.status, kept.verified_buyer, kept.body) == ("published", True, "Leaked")


def with_money_back(tmp_path: Path) -> tuple[Path, list[str]]:
    """The shared Shopify export with its first order partly refunded and its second
    refunded and cancelled, as Shopify writes them; and the ids the orders are kept by."""
    with SHOPIFY.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    names = list(dict.fromkeys(row["Name"] for row in rows))
    ids = {row["Name"]: row["Id"] for row in rows if row["Id"]}
    for row in rows:
        if row["Name"] == names[0] and row["Financial Status"]:
            row.update({"Financial Status": "partially_refunded", "Refunded Amount": "5.00"})
        if row["Name"] == names[1] and row["Financial Status"]:
            row.update({"Financial Status": "refunded", "Cancelled at": "2025-02-01 10:00:00 -0500"})
    path = tmp_path / "orders_export.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path, [ids.get(name, name) for name in names]


async def test_the_shopify_export_brings_its_refunds_and_cancellations(
    settings: Settings, db: str, tmp_path: Path
) -> None:
    path, names = with_money_back(tmp_path)
    summary = await import_orders(settings, path)
    assert summary.problems == []
    partly = await Order.get(external_id=names[0])  # by Shopify's id of the order
    assert partly.refunded_total == Decimal("5.00") and partly.is_purchase
    assert partly.kept_revenue == partly.total - Decimal("5.00")
    whole = await Order.get(external_id=names[1])
    assert whole.cancelled_at == datetime(2025, 2, 1, 15, tzinfo=UTC)
    assert whole.refunded_total == whole.total and whole.refunded_at == whole.cancelled_at
    assert not whole.is_purchase
    # A second import of the same file changes nothing.
    await import_orders(settings, path)
    assert await Refund.all().count() == 2
