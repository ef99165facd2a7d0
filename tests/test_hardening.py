"""Security checks across the hub: escaping, injection, token scope, roles, sessions, body size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from hub.config import Settings
from hub.intake.form import field_name
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.reviews.models import Review
from hub.staff.models import StaffUser
from hub.triage.models import Case
from tests.conftest import csrf_from, log_in, make_customer, make_order, make_product, make_review

Login = Callable[[StaffUser], Any]
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ANGRY = "It broke on the first night, I want a refund, this is awful."


async def _hostile_review(settings: Settings) -> Review:
    """A flagged review whose stored text holds markup (as an older app might have kept it).

    The markup follows the flagged text, so that the case's highlighted spans still fit.
    """
    dana = await make_customer()
    review = (await make_review(settings, await make_product(), customer=dana, rating=1, body=ANGRY)).review
    await Review.filter(id=review.id).update(title=SCRIPT, body=f"{ANGRY} {IMG}", display_name=IMG)
    return review


def _assert_escaped(html: str) -> None:
    assert SCRIPT not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


async def test_markup_in_reviews_is_escaped_in_the_admin_review_list(
    client: httpx.AsyncClient, carol: StaffUser, login: Login, settings: Settings
) -> None:
    await _hostile_review(settings)
    await login(carol)
    page = await client.get("/admin/reviews")
    assert page.status_code == 200
    _assert_escaped(page.text)


async def test_markup_in_reviews_is_escaped_on_the_case_page(
    client: httpx.AsyncClient, bob: StaffUser, login: Login, settings: Settings
) -> None:
    review = await _hostile_review(settings)
    case = await Case.get(review_id=review.id)
    await login(bob)
    page = await client.get(f"/admin/cases/{case.id}")
    assert page.status_code == 200
    _assert_escaped(page.text)


async def test_staff_pages_with_customer_data_are_kept_by_no_cache(
    client: httpx.AsyncClient, bob: StaffUser, login: Login, settings: Settings
) -> None:
    review = await _hostile_review(settings)
    case = await Case.get(review_id=review.id)
    await login(bob)
    for path in (f"/admin/cases/{case.id}", f"/admin/customers/{case.customer_id}", "/admin/customers"):
        page = await client.get(path)
        assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store", path


INJECTIONS = ["' OR 1=1 --", "1 OR 1=1", "'; DROP TABLE review; --", '" OR ""="']


@pytest.mark.parametrize("attack", INJECTIONS)
async def test_sql_in_the_case_search_finds_nothing_and_breaks_nothing(
    client: httpx.AsyncClient, bob: StaffUser, login: Login, settings: Settings, attack: str
) -> None:
    await _hostile_review(settings)
    reference = (await Case.get()).reference
    await login(bob)
    assert reference in (await client.get("/admin/cases")).text
    page = await client.get("/admin/cases", params={"q": attack})
    assert page.status_code == 200 and reference not in page.text


@pytest.mark.parametrize("attack", INJECTIONS)
async def test_sql_in_the_review_filters_is_refused_naming_the_field_and_adds_no_rows(
    client: httpx.AsyncClient, carol: StaffUser, login: Login, settings: Settings, attack: str
) -> None:
    tent = await make_product()
    await make_review(settings, tent, rating=5, title="Five stars here")
    await make_review(settings, tent, rating=1, title="One star here", body=ANGRY)
    await login(carol)
    params = {"rating": "5", "status": attack, "product": attack, "flagged": attack, "page": attack}
    page = await client.get("/admin/reviews", params=params)
    assert page.status_code == 422
    assert "<strong>status</strong>: must be one of" in page.text and "Five stars here" not in page.text
    assert await Review.all().count() == 2
    kept = await client.get("/admin/reviews", params={"rating": "5"})
    assert "Five stars here" in kept.text and "One star here" not in kept.text


async def test_a_review_link_for_one_order_cannot_see_or_review_another(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    dana, erin = await make_customer(), await make_customer()
    tent, stove = await make_product("Trail Tent"), await make_product("Camp Stove")
    order_a, _order_b = await make_order(dana, tent), await make_order(erin, stove)
    token = await issue_token(LinkPurpose.REVIEW, customer=dana, order=order_a, ttl=timedelta(days=30))
    page = await client.get(f"/r/{token}")
    assert page.status_code == 200 and "Trail Tent" in page.text and "Camp Stove" not in page.text
    csrf = await csrf_from(client, f"/r/{token}")
    form = {
        "csrf_token": csrf,
        "product_id": str(stove.id),
        field_name("rating", stove.id): "1",
        field_name("body", stove.id): "Not my order at all, but let me review it anyway.",
    }
    refused = await client.post(f"/r/{token}", data=form)
    assert refused.status_code == 404
    assert not await Review.filter(product=stove).exists()


async def test_an_agent_cannot_open_the_settings(
    client: httpx.AsyncClient, bob: StaffUser, login: Login
) -> None:
    await login(bob)
    assert (await client.get("/admin/settings")).status_code == 403


async def test_the_session_cookie_changes_at_login(
    client: httpx.AsyncClient, alice: StaffUser, app: Starlette
) -> None:
    await client.get("/login")
    before = client.cookies["hub_session"]
    response = await log_in(client, alice)
    assert response.status_code == 303
    after = client.cookies["hub_session"]
    assert after != before
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as stranger:
        stranger.cookies.set("hub_session", before)
        assert (await stranger.get("/admin")).status_code == 303


async def test_a_post_over_the_body_limit_gets_413(client: httpx.AsyncClient) -> None:
    too_large = b"a" * (1024 * 1024 + 1)
    response = await client.post(
        "/login", content=too_large, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
