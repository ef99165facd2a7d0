"""Each route group refuses a body past its own limit, before the app reads it.

Webhooks and the JSON API take a few megabytes, ordinary forms one, and only the two
forms that carry photos take 60 MB.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from hub.app import DATA_BODY_BYTES, FORM_BODY_BYTES, create_app
from hub.config import Settings

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
