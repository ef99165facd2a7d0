from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from hub.config import Settings
from hub.orders.shopify import signature_of
from hub.staff.apikeys import create_api_key

SHOPIFY_SECRET = "shpss_test_secret"
WOOCOMMERCE_SECRET = "wc_test_secret"
Send = Callable[..., Awaitable[httpx.Response]]

ORDER: dict[str, Any] = {
    "id": "1001",
    "customer": {"email": "  Dana.Buyer@Example.COM ", "name": "Dana Buyer", "id": "c-77"},
    "currency": "USD",
    "placed_at": "2025-03-01T10:00:00Z",
    "fulfilled_at": None,
    "delivered_at": None,
    "referral_code": None,
    "lines": [
        {
            "product": {
                "id": "SKU-1",
                "name": "Trail Tent",
                "url": "https://shop.example/tent",
                "image_url": "https://shop.example/tent.jpg",
            },
            "quantity": 1,
            "price": "199.90",
        },
        {"product": {"id": "SKU-2", "name": "Camp Mug"}, "quantity": 2, "price": "12.50"},
    ],
}


def order_payload(**changes: Any) -> dict[str, Any]:
    """Dana's order #1001, with ``changes`` on top."""
    payload = copy.deepcopy(ORDER)
    payload.update(changes)
    return payload


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(shopify_secret=SHOPIFY_SECRET, woocommerce_secret=WOOCOMMERCE_SECRET)


@pytest.fixture
async def api_key(db: str) -> str:
    _key, raw = await create_api_key("Store bridge", ["orders:write"])
    return raw


@pytest.fixture
async def auth(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


@pytest.fixture
def send_shopify(client: httpx.AsyncClient) -> Send:
    async def send(
        payload: dict[str, Any],
        topic: str = "orders/create",
        webhook_id: str = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        signature: str | None = "sign",
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Shop-Domain": "acme.myshopify.com",
        }
        if signature is not None:
            headers["X-Shopify-Hmac-Sha256"] = (
                signature_of(SHOPIFY_SECRET, body) if signature == "sign" else signature
            )
        return await client.post("/webhooks/shopify", content=body, headers=headers)

    return send


@pytest.fixture
def send_woocommerce(client: httpx.AsyncClient) -> Send:
    async def send(
        payload: dict[str, Any],
        delivery: str = "d-1",
        secret: str = WOOCOMMERCE_SECRET,
        topic: str = "order.updated",
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Delivery-ID": delivery,
            "X-WC-Webhook-Signature": signature_of(secret, body),
        }
        return await client.post("/webhooks/woocommerce", content=body, headers=headers)

    return send
