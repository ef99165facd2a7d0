"""Text longer than its column: refused with a 422 from the API, cut with a note from a webhook."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from hub.catalog.models import Order, Product
from tests.orders.conftest import Send, order_payload
from tests.orders.test_webhooks import shopify_order, woocommerce_order

LONG_NAME = "Ultralight " + "tent " * 58  # 301 characters: past the 255 of product.name


def _shopify_items(name: str) -> list[dict[str, Any]]:
    items = shopify_order()["line_items"]
    items[0]["title"] = items[0]["name"] = name
    return items


async def test_a_300_character_product_name_from_shopify_is_stored_cut_with_a_note(
    send_shopify: Send, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await send_shopify(shopify_order(line_items=_shopify_items(LONG_NAME)))
    assert response.status_code == 200 and response.json()["status"] == "created"
    assert response.json()["notes"] == [
        {"path": "lines/0/product/name", "reason": "was cut to 255 characters"}
    ]
    product = await Product.get(external_id="632910392")
    assert product.name == LONG_NAME.strip()[:255]
    assert "lines/0/product/name: was cut to 255 characters" in caplog.text
    assert "Ultralight" not in caplog.text


async def test_a_300_character_product_name_from_woocommerce_is_stored_cut_with_a_note(
    send_woocommerce: Send,
) -> None:
    payload = woocommerce_order()
    payload["line_items"][0]["name"] = LONG_NAME
    response = await send_woocommerce(payload)
    assert response.status_code == 200 and response.json()["status"] == "created"
    assert {"path": "lines/0/product/name", "reason": "was cut to 255 characters"} in response.json()["notes"]
    assert await Product.filter(name=LONG_NAME.strip()[:255]).exists()


async def test_a_shopify_discount_code_past_255_characters_is_stored_cut_with_a_note(
    send_shopify: Send,
) -> None:
    response = await send_shopify(shopify_order(discount_codes=[{"code": "S" * 300, "amount": "1.00"}]))
    assert response.status_code == 200
    assert response.json()["notes"] == [{"path": "referral_code", "reason": "was cut to 255 characters"}]
    assert (await Order.get()).referral_code == "S" * 255


async def test_an_order_id_too_long_for_its_column_skips_the_webhook_order_with_a_2xx(
    send_shopify: Send,
) -> None:
    response = await send_shopify(shopify_order(id="9" * 65))
    assert response.status_code == 200 and response.json()["status"] == "skipped"
    assert response.json()["errors"] == [{"path": "id", "reason": "must be at most 64 characters"}]
    assert not await Order.exists()


async def test_a_256_character_discount_code_is_refused_by_the_api_naming_the_field(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await client.post("/api/v1/orders", json=order_payload(referral_code="D" * 256), headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "referral_code", "reason": "must be at most 255 characters"}
    ]
    assert not await Order.exists()


async def test_a_255_character_discount_code_is_taken_by_the_api_as_shopify_allows(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await client.post("/api/v1/orders", json=order_payload(referral_code="D" * 255), headers=auth)
    assert response.status_code == 201
    assert (await Order.get()).referral_code == "D" * 255


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            {"lines": [{"product": {"id": "SKU-1", "name": LONG_NAME}, "quantity": 1, "price": "1.00"}]},
            "lines/0/product/name",
        ),
        ({"customer": {"email": "dana@example.com", "name": "D" * 201}}, "customer/name"),
        ({"customer": {"email": "d" * 250 + "@example.com"}}, "customer/email"),
    ],
)
async def test_text_too_long_for_its_column_is_refused_by_the_api_naming_the_field(
    client: httpx.AsyncClient, auth: dict[str, str], change: dict[str, Any], path: str
) -> None:
    response = await client.post("/api/v1/orders", json=order_payload(**change), headers=auth)
    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == [path]
    assert not await Order.exists()


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"id": "1", "customer": "dana@example.com"}, "customer"),
        ("an order", "/"),
        (order_payload(placed_at="9999-12-31T00:00:00Z"), "placed_at"),
        (
            order_payload(lines=[{"product": {"id": "A\x00B", "name": "Tent"}, "price": "1.00"}]),
            "lines/0/product/id",
        ),
        (
            order_payload(
                lines=[{"product": {"id": "SKU-1", "name": "Tent"}, "quantity": "²", "price": "1.00"}]
            ),
            "lines/0/quantity",
        ),
    ],
)
async def test_a_hostile_value_in_an_api_order_is_refused_naming_the_field(
    client: httpx.AsyncClient, auth: dict[str, str], value: Any, path: str
) -> None:
    response = await client.post("/api/v1/orders", json=value, headers=auth)
    assert response.status_code == 422
    assert path in [error["path"] for error in response.json()["errors"]]
