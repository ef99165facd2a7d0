"""The public review API, the fragment and the JSON-LD: counts, caching, CORS and compression."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest
from hub.reviews.models import Review

from hub.config import Settings
from hub.reviews.aggregates import refresh_rating
from hub.widget import cache
from tests.widget.conftest import STORE, Shop, add_review, tent_group

SUMMARY = "/api/v1/products/tent-2p/summary"
REVIEWS = "/api/v1/products/tent-2p/reviews"
JSONLD = "/widget/products/tent-2p/jsonld"
FRAGMENT = "/widget/products/tent-2p"


async def test_the_summary_matches_the_published_reviews(client: httpx.AsyncClient, shop: Shop) -> None:
    summary = (await client.get(SUMMARY)).json()
    assert summary["count"] == 5 and summary["average"] == 3.6
    assert summary["histogram"] == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 2}
    assert summary["photo_count"] == 1


async def test_reviews_come_newest_first_with_photos_and_public_replies_only(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    page = (await client.get(REVIEWS)).json()
    assert [item["id"] for item in page["items"]] == [review.id for review in shop.reviews]
    assert page["items"][1]["photos"][0]["url"] == "http://testserver/media/tent.webp"
    assert [reply["body"] for reply in page["items"][4]["replies"]] == [
        "Sorry about the zip, we sent a new one."
    ]
    assert page["next_page"] is None


@pytest.mark.parametrize(
    ("query", "ratings"),
    [
        ("sort=highest", [5, 5, 4, 3, 1]),
        ("sort=lowest", [1, 3, 4, 5, 5]),
        ("rating=5", [5, 5]),
        ("with_photos=true", [5]),
        ("sort=photos&limit=1", [5]),
    ],
)
async def test_reviews_sort_and_filter(
    client: httpx.AsyncClient, shop: Shop, query: str, ratings: list[int]
) -> None:
    page = (await client.get(f"{REVIEWS}?{query}")).json()
    assert [item["rating"] for item in page["items"]] == ratings


async def test_pages_follow_each_other(client: httpx.AsyncClient, shop: Shop) -> None:
    first = (await client.get(f"{REVIEWS}?limit=2")).json()
    third = (await client.get(f"{REVIEWS}?limit=2&page=3")).json()
    assert (first["next_page"], third["next_page"]) == (2, None)
    assert [item["id"] for item in third["items"]] == [shop.reviews[4].id]


async def test_a_bad_query_is_a_problem_naming_each_field(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.get(f"{REVIEWS}?limit=500&sort=best&rating=9")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert {error["path"] for error in response.json()["errors"]} == {"limit", "sort", "rating"}


async def test_an_unknown_sku_is_404(client: httpx.AsyncClient, db: str) -> None:
    for path in ("/api/v1/products/nope/summary", "/widget/products/nope", "/widget/products/nope/jsonld"):
        assert (await client.get(path)).status_code == 404


async def test_jsonld_matches_the_summary(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.get(JSONLD)
    assert response.headers["content-type"] == "application/ld+json"
    document = response.json()
    assert document["@type"] == "Product" and document["sku"] == "tent-2p"
    assert document["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 3.6,
        "reviewCount": 5,
        "bestRating": 5,
        "worstRating": 1,
    }
    latest = document["review"][0]
    assert latest["author"]["name"] == shop.reviews[0].display_name
    assert latest["reviewRating"]["ratingValue"] == 5 and latest["reviewBody"] == shop.reviews[0].body
    assert len(latest["datePublished"]) == 10


async def test_jsonld_of_a_product_without_reviews_is_204(client: httpx.AsyncClient, shop: Shop) -> None:
    from hub.catalog.models import Product

    await Product.create(external_id="mug", name="Camp Mug")
    response = await client.get("/widget/products/mug/jsonld")
    assert response.status_code == 204 and response.content == b""


async def test_variants_of_a_group_share_their_reviews(
    client: httpx.AsyncClient, settings: Settings, db: str
) -> None:
    await tent_group(settings)
    for sku in ("tent-green", "tent-orange"):
        summary = (await client.get(f"/api/v1/products/{sku}/summary")).json()
        assert (summary["count"], summary["average"]) == (3, 3.67)
        assert len((await client.get(f"/api/v1/products/{sku}/reviews")).json()["items"]) == 3


@pytest.mark.parametrize("path", [SUMMARY, REVIEWS + "?sort=helpful", JSONLD, FRAGMENT])
async def test_a_repeat_with_the_etag_is_304_with_cache_headers(
    client: httpx.AsyncClient, shop: Shop, path: str
) -> None:
    first = await client.get(path)
    assert first.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=600"
    again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


async def test_the_etag_changes_with_the_query_and_with_a_new_review(
    client: httpx.AsyncClient, shop: Shop, settings: Settings
) -> None:
    newest = (await client.get(REVIEWS)).headers["etag"]
    assert (await client.get(REVIEWS + "?sort=lowest")).headers["etag"] != newest
    await add_review(settings, shop.tent, 2)
    cache.clear()
    response = await client.get(REVIEWS, headers={"If-None-Match": newest})
    assert response.status_code == 200 and response.headers["etag"] != newest
    assert (await client.get(SUMMARY)).json()["count"] == 6


async def test_a_304_runs_no_review_query(
    client: httpx.AsyncClient, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = (await client.get(REVIEWS)).headers["etag"]
    cache.bodies.clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a review query ran")

    monkeypatch.setattr(Review, "filter", refuse)
    assert (await client.get(REVIEWS, headers={"If-None-Match": tag})).status_code == 304


@pytest.mark.parametrize(("origin", "allowed"), [(STORE, True), ("https://evil.example", False)])
async def test_cors_is_open_to_the_store_origins_only(
    client: httpx.AsyncClient, shop: Shop, origin: str, allowed: bool
) -> None:
    response = await client.get(SUMMARY, headers={"Origin": origin})
    assert response.headers.get("access-control-allow-origin") == (origin if allowed else None)
    assert "Origin" in response.headers["vary"]


async def test_responses_are_gzipped(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.get(REVIEWS, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["items"]
    js = await client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert js.headers["content-encoding"] == "gzip" and "max-age=3600" in js.headers["cache-control"]
    assert (await client.get("/widget.js", headers={"If-None-Match": js.headers["etag"]})).status_code == 304


def test_widget_js_is_at_most_8_kb_gzipped() -> None:
    from hub.templating import STATIC_DIR

    assert len(gzip.compress((STATIC_DIR / "widget.js").read_bytes(), 9)) <= 8 * 1024


async def test_the_fragment_renders_without_javascript_and_may_be_framed_by_the_store(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    response = await client.get(FRAGMENT + "?rating=5")
    policy = response.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {STORE}" in policy and "<script" not in response.text
    assert "x-frame-options" not in response.headers
    assert response.text.count('class="fh-review"') == 2
    assert "Imported" in response.text and 'aria-current="true">5 stars' in response.text
    assert "http://testserver/widget.css" in response.text


async def test_the_framed_fragment_is_a_whole_document(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.get(FRAGMENT + "?frame=true")
    assert response.text.lstrip().startswith("<!doctype html>") and '<html lang="en">' in response.text


async def test_the_fragment_counts_match_the_summary_after_a_rating_changes(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    await Review.filter(id=shop.reviews[0].id).update(status="rejected")
    await refresh_rating(shop.tent.id)
    cache.clear()
    text = (await client.get(FRAGMENT)).text
    summary = (await client.get(SUMMARY)).json()
    assert f"{summary['count']} reviews" in text and summary["count"] == 4
    assert json.loads((await client.get(JSONLD)).text)["aggregateRating"]["reviewCount"] == 4


async def test_the_demo_store_is_absent_without_demo_data(client: httpx.AsyncClient, shop: Shop) -> None:
    assert (await client.get("/demo/store/tent-2p")).status_code == 404


async def test_the_demo_store_embeds_the_widget_like_a_store(client: httpx.AsyncClient, shop: Shop) -> None:
    from datetime import UTC, datetime

    from hub.catalog.models import Customer, Order

    buyer = await Customer.create(email="demo@example.com")
    await Order.create(source="demo", external_id="D1", customer=buyer, placed_at=datetime.now(UTC))
    page = (await client.get("/demo/store/tent-2p")).text
    assert '<script src="http://testserver/widget.js" async></script>' in page
    assert 'data-feedback-hub="reviews" data-product="tent-2p"' in page
