from __future__ import annotations

import copy
from typing import Any

import pytest

from hub.config import Settings
from hub.staff.apikeys import create_api_key

SHOPIFY_SECRET = "shpss_test_secret"
WOOCOMMERCE_SECRET = "wc_test_secret"

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
