"""Rows stored before the link rule, or written around it, still show no script anywhere.

Each test writes hostile values straight into the database (as an old row would hold them)
and reads every place they are shown over HTTP: the widget's fragment, its JSON API and
JSON-LD, the gallery, the admin's case page, the review form and the review request mail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from hub.catalog.models import Product
from hub.catalog.schema import CustomerIn, LineIn, OrderIn
from hub.config import Settings
from hub.invites.jobs import send_due_invitations
from hub.mail.models import OutboxMessage
from hub.orders.ingest import ingest_order
from hub.photos.models import Photo
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import Reply, Review
from hub.staff.models import StaffUser
from hub.web.safe_urls import http_url, url_refusal
from hub.widget import cache
from tests.conftest import log_in
from tests.intake.test_review_form import make_link
from tests.triage.conftest import make_case

SCRIPT_LINK = "javascript:alert(document.domain)"
GOOD_PHOTO = "https://cdn.example/dry-tent.jpg"
FETCHED = "AAAAAAAAAAAAAAAAAAAAAA.webp"
TITLE = "Love it </script><svg onload=alert(1)>"
NAME = '"><img src=x onerror=alert(2)>'
BODY = "</script><script>alert(4)</script>"
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def fresh_widget_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@dataclass
class OldRows:
    tent: Product
    review: Review


@pytest.fixture
async def old_rows(db: str) -> OldRows:
    """A tent whose links run script, a published review with markup in it, an imported photo
    with a script link beside a good one, both featured in the gallery, and a public reply."""
    tent = await Product.create(
        external_id="tent-2p",
        name="Trail Tent </script><b>",
        url=SCRIPT_LINK,
        image_url="data:image/svg+xml,<svg onload=alert(3)>",
    )
    review = await Review.create(
        product=tent,
        rating=5,
        title=TITLE,
        body=BODY,
        display_name=NAME,
        status="published",
        submitted_at=NOW,
        published_at=NOW,
        has_photos=True,
    )
    for link in (SCRIPT_LINK, GOOD_PHOTO):
        await Photo.create(
            review=review, product=tent, status="approved", source_url=link, feature_consent_at=NOW
        )
    # The good link once the worker fetched it: the hub's own file, never the old host.
    await Photo.create(
        review=review,
        product=tent,
        status="approved",
        source_url=GOOD_PHOTO,
        web_name=FETCHED,
        feature_consent_at=NOW,
    )
    await Reply.create(review=review, body="</script><svg onload=alert(5)>", is_public=True)
    await refresh_rating(tent.id)
    return OldRows(tent, review)


@pytest.mark.parametrize(
    "link",
    [
        SCRIPT_LINK,
        "data:text/html,x",
        "vbscript:x",
        "//evil.example",
        "/tent",
        "https://",
        "http://[::1",
        "https://shop.example/a b",
        "",
    ],
)
def test_a_link_that_is_not_http_is_refused_and_rendered_as_nothing(link: str) -> None:
    assert url_refusal(link) is not None
    assert http_url(link) == ""


async def test_the_jsonld_holds_no_markup_and_no_script_link(
    client: httpx.AsyncClient, old_rows: OldRows
) -> None:
    response = await client.get("/widget/products/tent-2p/jsonld")
    assert response.status_code == 200
    assert not re.search(r"[<>]", response.text) and "javascript:" not in response.text
    assert "\\u003c/script\\u003e" in response.text
    document = json.loads(response.text)
    assert document["review"][0]["name"] == TITLE  # the same text for a JSON reader
    assert document["name"] == "Trail Tent </script><b>"
    assert "url" not in document and "image" not in document


async def test_the_widget_fragment_and_the_json_api_leave_the_script_links_out(
    client: httpx.AsyncClient, old_rows: OldRows
) -> None:
    for path in (
        "/widget/products/tent-2p",
        "/widget/products/tent-2p?frame=true",
        "/api/v1/products/tent-2p/reviews",
    ):
        text = (await client.get(path)).text
        assert "javascript:" not in text and "data:image/svg" not in text
        assert "<svg" not in text and "<script>" not in text and "<img src=x" not in text
        assert GOOD_PHOTO not in text and f"/media/{FETCHED}" in text  # no hotlink to the old host
    photos = (await client.get("/api/v1/products/tent-2p/reviews")).json()["items"][0]["photos"]
    assert [photo["url"] for photo in photos] == [f"http://testserver/media/{FETCHED}"]


async def test_the_gallery_leaves_out_the_script_links_of_a_photo_and_its_product(
    client: httpx.AsyncClient, old_rows: OldRows
) -> None:
    items = (await client.get("/api/v1/gallery?product=tent-2p")).json()["items"]
    assert [item["url"] for item in items] == [f"http://testserver/media/{FETCHED}"]
    assert items[0]["product"]["url"] == "" and items[0]["review"]["url"] is None
    page = (await client.get("/widget/gallery")).text
    assert FETCHED in page and GOOD_PHOTO not in page and "javascript:" not in page


async def test_the_case_page_links_no_script_photo(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser, old_rows: OldRows
) -> None:
    case = await make_case(settings, product=old_rows.tent)
    await Photo.create(review=case.review, product=old_rows.tent, status="pending", source_url=SCRIPT_LINK)
    await log_in(client, bob)
    page = await client.get(f"/admin/cases/{case.id}")
    assert page.status_code == 200
    assert "javascript:" not in page.text and "photo 1" in page.text


async def test_the_review_form_shows_no_script_image(client: httpx.AsyncClient, old_rows: OldRows) -> None:
    link = await make_link("dana@example.com", "Dana Buyer", "1001", [old_rows.tent])
    page = await client.get(link.path)
    assert page.status_code == 200
    assert "Trail Tent" in page.text and "data:image/svg" not in page.text


async def test_the_review_request_mail_shows_no_script_image(settings: Settings, old_rows: OldRows) -> None:
    shipped = NOW - timedelta(days=2)
    line = LineIn("tent-2p", "Trail Tent", 1, Decimal("199.90"))  # no link: the stored ones stay
    await ingest_order(
        settings,
        OrderIn(
            source="api",
            external_id="1001",
            placed_at=shipped,
            customer=CustomerIn("dana@example.com", "Dana Buyer"),
            lines=(line,),
            fulfilled_at=shipped,
        ),
    )
    assert await send_due_invitations(settings, shipped + settings.invite_delay) == 1
    message = await OutboxMessage.get()
    assert "Trail Tent" in message.html_body
    assert "data:image/svg" not in message.html_body and "<img src=" not in message.html_body
