"""Each route group refuses a body past its own limit, before the app reads it.

Webhooks and the JSON API take a few megabytes, ordinary forms one, the two forms that
carry photos 60 MB, and only the admin's import upload 200 MB.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import BODY_LIMITS, DATA_BODY_BYTES, FORM_BODY_BYTES, IMPORT_BODY_BYTES, create_app
from hub.config import Settings
from hub.middleware import BodyLimitMiddleware
from hub.staff.models import StaffUser
from tests.conftest import csrf_from, log_in

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("path", "headers", "limit"),
    [
        ("/login", FORM, FORM_BODY_BYTES),
        ("/u/some-token", FORM, FORM_BODY_BYTES),
        ("/api/v1/orders", JSON, DATA_BODY_BYTES),
        ("/webhooks/shopify", JSON, DATA_BODY_BYTES),
        ("/webhooks/woocommerce", JSON, DATA_BODY_BYTES),
    ],
)
async def test_a_body_one_byte_past_its_groups_limit_gets_413(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], limit: int
) -> None:
    response = await client.post(path, content=b"a" * (limit + 1), headers=headers)
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/api/v1/orders", "/webhooks/shopify"])
async def test_the_api_and_webhooks_read_bodies_larger_than_a_form_may_be(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.post(path, content=b"a" * (FORM_BODY_BYTES * 2), headers=JSON)
    assert response.status_code in {400, 401, 403, 422}


async def test_the_review_form_takes_a_body_past_the_form_limit_for_its_photos(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/r/unknown-token", content=b"a" * (FORM_BODY_BYTES * 2), headers=FORM)
    assert response.status_code != 413 and response.status_code < 500


async def test_a_streamed_body_without_a_length_is_counted_as_it_arrives(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(FORM_BODY_BYTES // 65536 + 2):
            yield b"a" * 65536

    response = await client.post("/login", content=chunks(), headers=FORM)
    assert response.status_code == 413


async def test_hsts_includes_subdomains_over_https(settings: Settings, db: str) -> None:
    app = create_app(settings.with_overrides(base_url="https://reviews.shop.example"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://reviews.shop.example") as client:
        response = await client.get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_import_upload_alone_takes_a_file_of_a_hundred_thousand_orders(app: Starlette) -> None:
    limits = BodyLimitMiddleware(app, BODY_LIMITS, FORM_BODY_BYTES)
    assert limits.limit_for("/admin/imports/upload") == IMPORT_BODY_BYTES >= 100 * 1024 * 1024
    assert limits.limit_for("/admin/imports/3/confirm") == FORM_BODY_BYTES
    assert limits.limit_for("/admin/imports") == FORM_BODY_BYTES


async def test_an_admins_upload_past_the_form_limit_is_read(
    client: httpx.AsyncClient, alice: StaffUser, settings: Settings
) -> None:
    await log_in(client, alice)
    token = await csrf_from(client, "/admin/imports")
    big = b"order_id,placed_at,customer_email,product_id,product_name,price\n" + b"x" * (2 * FORM_BODY_BYTES)
    files = {"file": ("orders.csv", big, "text/csv")}
    response = await client.post(
        "/admin/imports/upload", data={"csrf_token": token, "kind": "orders"}, files=files
    )
    assert response.status_code != 413 and response.status_code < 500
