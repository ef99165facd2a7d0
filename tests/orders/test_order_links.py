"""Product links from outside are http(s): the API refuses others, webhooks drop them, CSV rows say why."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from hub.catalog.models import Order, Product
from hub.cli import main
from hub.config import Settings
from hub.orders.shopify import signature_of
from tests.conftest import run_sync
from tests.orders.conftest import WOOCOMMERCE_SECRET, order_payload
from tests.orders.test_csv_import import write_csv
from tests.orders.test_webhooks import woocommerce_order

BAD_LINKS = [
    "javascript:alert(document.domain)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/tent",
    "/products/tent",
    "https:/evil.example",
    "https:///evil.example",
    "https://shop.example/tent\n<script>",
    "ftp://shop.example/tent.jpg",
]
FIELDS = ["url", "image_url"]


def _with_link(field: str, link: str) -> dict[str, Any]:
    payload = order_payload()
    payload["lines"][0]["product"][field] = link
    return payload


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("link", BAD_LINKS)
async def test_the_orders_api_refuses_a_product_link_that_is_not_http_with_a_422_naming_it(
    client: httpx.AsyncClient, auth: dict[str, str], field: str, link: str
) -> None:
    response = await client.post("/api/v1/orders", json=_with_link(field, link), headers=auth)
    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == [f"lines/0/product/{field}"]
    assert not await Order.exists()


async def test_the_batch_marks_the_order_with_a_bad_link_invalid_and_takes_the_others(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    bad = _with_link("image_url", "javascript:alert(1)")
    good = order_payload(id="1002")
    results = (await client.post("/api/v1/orders/batch", json={"orders": [bad, good]}, headers=auth)).json()[
        "results"
    ]
    assert results[0]["status"] == "invalid"
    assert results[0]["errors"][0]["path"] == "lines/0/product/image_url"
    assert results[1]["status"] == "created"


@pytest.mark.parametrize(
    "link",
    [
        "https://shop.example/tent?colour=green#top",
        "HTTP://SHOP.EXAMPLE/TENT",
        "http://127.0.0.1:8000/p/1",
        "https://[2001:db8::1]/tent",
    ],
)
async def test_the_orders_api_keeps_every_kind_of_http_link(
    client: httpx.AsyncClient, auth: dict[str, str], link: str
) -> None:
    response = await client.post("/api/v1/orders", json=_with_link("url", link), headers=auth)
    assert response.status_code == 201
    assert await Product.get(external_id="SKU-1").values_list("url", flat=True) == link


async def _send_woocommerce(
    client: httpx.AsyncClient, payload: dict[str, Any], delivery: str = "d-1"
) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Delivery-ID": delivery,
        "X-WC-Webhook-Signature": signature_of(WOOCOMMERCE_SECRET, body),
    }
    return await client.post("/webhooks/woocommerce", content=body, headers=headers)


async def test_a_webhook_takes_the_order_and_drops_a_bad_image_link_with_a_note(
    client: httpx.AsyncClient,
) -> None:
    payload = woocommerce_order()
    payload["line_items"][0]["image"] = {"id": 1, "src": "javascript:alert(document.cookie)"}
    payload["line_items"][1]["image"] = {"id": 2, "src": "https://shop.example/wp-content/bar.jpg"}
    response = await _send_woocommerce(client, payload)
    assert response.status_code == 200
    assert response.json()["status"] == "created"
    assert response.json()["notes"] == [
        {
            "path": "lines/0/product/image_url",
            "reason": "must be an absolute http:// or https:// URL; not stored",
        }
    ]
    links = dict(await Product.all().values_list("external_id", "image_url"))
    assert links == {"93": "", "22": "https://shop.example/wp-content/bar.jpg"}


async def test_a_webhook_with_a_bad_link_leaves_the_good_stored_link_alone(client: httpx.AsyncClient) -> None:
    payload = woocommerce_order()
    payload["line_items"][0]["image"] = {"src": "https://shop.example/single.jpg"}
    await _send_woocommerce(client, payload, delivery="d-1")
    again = copy.deepcopy(payload)
    again["line_items"][0]["image"] = {"src": "data:image/svg+xml,<svg onload=alert(1)>"}
    assert (await _send_woocommerce(client, again, delivery="d-2")).json()["status"] == "updated"
    assert await Product.get(external_id="93").values_list("image_url", flat=True) == (
        "https://shop.example/single.jpg"
    )


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }


ROW = "B1,2025-03-01T10:00:00Z,,,USD,dana@example.com,Dana,,SKU-1,Trail Tent,{url},{image},1,9.90,\n"


@pytest.mark.parametrize(
    ("url", "image", "column"),
    [
        ("javascript:alert(1)", "", "product_url"),
        ("https://shop.example/tent", "data:image/png;base64,AAAA", "product_image_url"),
    ],
)
def test_the_csv_import_names_the_line_and_column_of_a_bad_link_and_skips_its_order(
    cli_env: dict[str, str], settings: Settings, tmp_path: Path, url: str, image: str, column: str
) -> None:
    path = write_csv(
        tmp_path,
        ROW.format(url="https://shop.example/tent", image=""),
        ROW.format(url=url, image=image).replace("B1", "B2"),
    )
    result = CliRunner().invoke(main, ["import", "orders", str(path)], env=cli_env)
    assert f"{path}:3: {column} must be an absolute http:// or https:// URL" in result.stderr
    assert "Created 1, updated 0, skipped 1 orders." in result.stdout

    async def stored() -> list[str]:
        return list(await Order.all().values_list("external_id", flat=True))

    assert run_sync(settings.database_url, stored) == ["B1"]
