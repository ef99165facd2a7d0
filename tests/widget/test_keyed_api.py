"""The keyed review API, helpful votes and the OpenAPI document checked against real answers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from hub.reviews.models import HelpfulVote, Review

from tests.widget.conftest import STORE, Shop, dana_order
from tests.widget.schema_check import errors_of, response_schema

KeyMaker = Callable[..., Awaitable[str]]
VOTER = "browser-id-0123456789abcdef"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def review_body(**changes: Any) -> dict[str, Any]:
    return {
        "sku": "tent-2p",
        "rating": 4,
        "title": "Solid tent",
        "body": "Set it up twice already, it keeps the wind out well.",
        "display_name": "Erin",
        **changes,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/reviews"), ("GET", "/api/v1/reviews/export"), ("POST", "/api/v1/reviews")],
)
async def test_keyed_routes_want_a_key_with_the_right_scope(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker, method: str, path: str
) -> None:
    assert (await client.request(method, path)).status_code == 401
    wrong = await api_key("orders:write")
    response = await client.request(method, path, headers=bearer(wrong))
    assert response.status_code == 403 and response.headers["content-type"] == "application/problem+json"


async def test_a_store_form_review_is_unverified_without_an_order(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker
) -> None:
    key = await api_key("reviews:write")
    response = await client.post("/api/v1/reviews", json=review_body(), headers=bearer(key))
    assert response.status_code == 201, response.text
    review = await Review.get(id=response.json()["id"])
    assert (review.source, review.verified_buyer, review.status) == ("api", False, "published")


async def test_a_proven_order_makes_the_review_verified(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker
) -> None:
    order = await dana_order(shop.tent)
    key = await api_key("reviews:write")
    body = review_body(order_id="5001", email="Dana@Example.com")
    response = await client.post("/api/v1/reviews", json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    review = await Review.get(id=response.json()["id"])
    assert review.verified_buyer and review.order_id == order.id  # type: ignore[attr-defined]


async def test_an_order_that_does_not_match_is_refused(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker
) -> None:
    await dana_order(shop.tent)
    key = await api_key("reviews:write")
    body = review_body(order_id="5001", email="mallory@example.com")
    response = await client.post("/api/v1/reviews", json=body, headers=bearer(key))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "order_id", "reason": "no order with this number, email and product"}
    ]


async def test_invalid_input_lists_each_bad_field(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker
) -> None:
    key = await api_key("reviews:write")
    body = {"sku": "", "rating": 7, "body": "", "title": 3, "order_id": "1"}
    response = await client.post("/api/v1/reviews", json=body, headers=bearer(key))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert {error["path"] for error in response.json()["errors"]} == {
        "sku",
        "rating",
        "body",
        "title",
        "email",
    }
    broken = await client.post("/api/v1/reviews", content=b"{", headers=bearer(key))
    assert broken.status_code == 422


async def test_the_feed_lists_every_status_with_a_cursor(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker
) -> None:
    await Review.filter(id=shop.reviews[0].id).update(status="rejected")
    key = await api_key("reviews:read")
    first = (await client.get("/api/v1/reviews?limit=3", headers=bearer(key))).json()
    rest = (await client.get(f"/api/v1/reviews?cursor={first['next_cursor']}", headers=bearer(key))).json()
    assert len(first["items"]) + len(rest["items"]) == 5 and rest["next_cursor"] is None
    rejected = (await client.get("/api/v1/reviews?status=rejected", headers=bearer(key))).json()
    assert [item["id"] for item in rejected["items"]] == [shop.reviews[0].id]
    bad = await client.get("/api/v1/reviews?status=lost&since=yesterday", headers=bearer(key))
    assert {error["path"] for error in bad.json()["errors"]} == {"status", "since"}


async def test_the_export_streams_one_review_per_line(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker
) -> None:
    key = await api_key("reviews:read")
    response = await client.get("/api/v1/reviews/export?product=tent-2p", headers=bearer(key))
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(review.id for review in shop.reviews)


async def test_a_browser_votes_once_per_review(client: httpx.AsyncClient, shop: Shop) -> None:
    path = f"/api/v1/reviews/{shop.reviews[0].id}/votes"
    first = await client.post(path, json={"voter": VOTER, "helpful": True}, headers={"Origin": STORE})
    again = await client.post(path, json={"voter": VOTER, "helpful": False}, headers={"Origin": STORE})
    assert first.json() == {"counted": True, "helpful": 1, "unhelpful": 0}
    assert again.json() == {"counted": False, "helpful": 1, "unhelpful": 0}
    assert first.headers["access-control-allow-origin"] == STORE
    vote = await HelpfulVote.get(review_id=shop.reviews[0].id)
    assert VOTER not in vote.voter_hash and len(vote.voter_hash) == 64


@pytest.mark.parametrize(
    ("origin", "status"), [(None, 403), ("https://evil.example", 403), ("http://testserver", 200)]
)
async def test_votes_come_from_the_store_or_the_hub_only(
    client: httpx.AsyncClient, shop: Shop, origin: str | None, status: int
) -> None:
    headers = {"Origin": origin} if origin else {}
    response = await client.post(
        f"/api/v1/reviews/{shop.reviews[0].id}/votes", json={"voter": VOTER}, headers=headers
    )
    assert response.status_code == status


async def test_votes_are_rate_limited_per_address(
    client: httpx.AsyncClient, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.reviews.spam import IpWindow
    from hub.widget import votes

    monkeypatch.setattr(votes, "vote_window", IpWindow(limit=2))
    path = f"/api/v1/reviews/{shop.reviews[0].id}/votes"
    codes = [
        (await client.post(path, json={"voter": f"{VOTER}{n}"}, headers={"Origin": STORE})).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


async def test_the_vote_preflight_answers_the_store(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.options(
        f"/api/v1/reviews/{shop.reviews[0].id}/votes",
        headers={
            "Origin": STORE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == STORE
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_real_answers_match_the_openapi_document(
    client: httpx.AsyncClient, shop: Shop, api_key: KeyMaker
) -> None:
    document = (await client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    key = await api_key("reviews:read", "reviews:write")
    auth = bearer(key)
    checks = [
        ("/api/v1/products/{sku}/summary", "get", await client.get("/api/v1/products/tent-2p/summary")),
        ("/api/v1/products/{sku}/reviews", "get", await client.get("/api/v1/products/tent-2p/reviews")),
        (
            "/api/v1/products/{sku}/reviews",
            "get",
            await client.get("/api/v1/products/tent-2p/reviews?limit=99"),
        ),
        ("/api/v1/reviews", "get", await client.get("/api/v1/reviews", headers=bearer(key))),
        ("/api/v1/reviews", "post", await client.post("/api/v1/reviews", json=review_body(), headers=auth)),
        ("/api/v1/reviews", "post", await client.post("/api/v1/reviews", json={}, headers=bearer(key))),
        ("/api/v1/reviews", "get", await client.get("/api/v1/reviews")),
        (
            "/api/v1/reviews/{review_id}/votes",
            "post",
            await client.post(
                f"/api/v1/reviews/{shop.reviews[0].id}/votes",
                json={"voter": VOTER},
                headers={"Origin": STORE},
            ),
        ),
    ]
    for path, method, response in checks:
        media = response.headers["content-type"].split(";")[0]
        schema = response_schema(document, path, method, response.status_code, media)
        assert errors_of(document, schema, response.json()) == [], (path, response.status_code)
    export = await client.get("/api/v1/reviews/export", headers=bearer(key))
    schema = response_schema(document, "/api/v1/reviews/export", "get", 200, "application/x-ndjson")
    assert all(errors_of(document, schema, json.loads(line)) == [] for line in export.text.splitlines())
