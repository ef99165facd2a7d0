"""The customer list: each search key finds its customer and no other, filters, keyset pages, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from hub.advocacy.customer_search import Cursor, CustomerFilters, search_customers
from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.suppression import suppress, suppression_of
from hub.surveys.models import Survey, SurveyResponse
from hub.triage.models import Case
from tests.conftest import make_customer, make_order, make_product, make_review

DUE = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
async def shoppers(db: str) -> dict[str, Customer]:
    """Pat (who bought order 1001), Patricia, Sam Patton and Lee, with their shop ids."""
    pat = await make_customer("Pat Parker", email="pat@example.com", external_id="SHOP-PAT", stage="loyal")
    await make_order(pat, external_id="1001")
    patricia = await make_customer("Patricia Oak", email="patricia@example.com", stage="new")
    sam = await make_customer("Sam Patton", email="sam@example.com", external_id="SHOP-SAM", stage="at_risk")
    await make_order(sam, external_id="2002")
    lee = await make_customer("Élodie Lee", email="lee@example.com", stage="loyal")
    return {"pat": pat, "patricia": patricia, "sam": sam, "lee": lee}


async def _names(query: str, **filters: object) -> list[str]:
    page = await search_customers(query, CustomerFilters(**filters))  # type: ignore[arg-type]
    return sorted(row.name for row in page.rows)


@pytest.mark.parametrize(
    ("query", "match", "found"),
    [
        ("  PAT@Example.com ", "prefix", ["Pat Parker"]),
        ("1001", "prefix", ["Pat Parker"]),
        ("SHOP-SAM", "prefix", ["Sam Patton"]),
        ("pat", "prefix", ["Pat Parker", "Patricia Oak"]),
        ("PATRI", "prefix", ["Patricia Oak"]),
        ("élodie", "prefix", ["Élodie Lee"]),
        ("patt", "contains", ["Sam Patton"]),
        ("nobody@example.com", "prefix", []),
        ("9999", "prefix", []),
    ],
)
async def test_each_key_finds_its_customer_and_no_other(
    shoppers: dict[str, Customer], query: str, match: str, found: list[str]
) -> None:
    assert await _names(query, match=match) == found


async def test_the_stage_and_flags_filter_the_list(shoppers: dict[str, Customer]) -> None:
    assert await _names("", stage="loyal") == ["Pat Parker", "Élodie Lee"]
    assert await _names("pat", stage="loyal") == ["Pat Parker"]
    await Case.create(customer=shoppers["sam"], first_response_due_at=DUE, resolution_due_at=DUE)
    await Case.create(
        customer=shoppers["lee"], status="resolved", first_response_due_at=DUE, resolution_due_at=DUE
    )
    assert await _names("", flags=("open_case",)) == ["Sam Patton"]
    await suppress("patricia@example.com", "stopped by staff: asked by phone")
    assert await _names("", flags=("suppressed",)) == ["Patricia Oak"]
    await Customer.filter(id=shoppers["lee"].id).update(unsubscribed_at=DUE)
    assert await _names("", flags=("unsubscribed",)) == ["Élodie Lee"]


async def test_flagged_feedback_finds_the_authors_of_flagged_reviews_and_answers(
    settings: Settings, shoppers: dict[str, Customer]
) -> None:
    assert await _names("", flags=("flagged_feedback",)) == []
    tent = await make_product()
    body = "The tent arrived with a broken pole and nobody answered my emails."
    flagged = await make_review(settings, tent, customer=shoppers["sam"], rating=1, title="Broken", body=body)
    assert flagged.review.flagged
    await make_review(settings, tent, customer=shoppers["pat"])
    survey = await Survey.create(slug="after", name="After your order")
    await SurveyResponse.create(
        survey=survey, customer=shoppers["lee"], nps=2, flagged=True, submitted_at=DUE
    )
    await SurveyResponse.create(survey=survey, customer=shoppers["pat"], nps=10, submitted_at=DUE)
    assert await _names("", flags=("flagged_feedback",)) == ["Sam Patton", "Élodie Lee"]
    assert await _names("", flags=("flagged_feedback", "open_case")) == ["Sam Patton"]


async def test_keyset_pages_walk_every_customer_exactly_once_both_ways(db: str) -> None:
    made = [await make_customer(f"Walker {n}") for n in range(7)]
    seen, cursor = [], Cursor()
    while True:
        page = await search_customers("", CustomerFilters(), cursor, limit=3)
        seen += [row.id for row in page.rows]
        if page.next_after is None:
            break
        cursor = Cursor(after=page.next_after)
    assert seen == sorted((c.id for c in made), reverse=True)
    back = []
    while page.previous_before is not None:
        page = await search_customers("", CustomerFilters(), Cursor(before=page.previous_before), limit=3)
        back = [row.id for row in page.rows] + back
    assert back == seen[: len(back)] and len(back) == 6


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=gold", "stage"),
        ("flag=vip", "flag"),
        ("after=abc", "after"),
        ("limit=0", "limit"),
        ("match=fuzzy", "match"),
        ("tier=gold", "tier"),
        ("from_stage=dormant&to_stage=rich", "to_stage"),
        ("after=3&before=9", "before"),
    ],
)
async def test_a_bad_parameter_is_refused_naming_the_field(
    db: str, client: httpx.AsyncClient, login, bob, query: str, field: str
) -> None:  # type: ignore[no-untyped-def]
    await login(bob)
    answer = await client.get(f"/admin/customers?{query}")
    assert answer.status_code == 422
    assert f"<strong>{field}</strong>" in answer.text


async def test_the_page_lists_matches_and_links_the_next_page(
    shoppers: dict[str, Customer], client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    await login(bob)
    page = await client.get("/admin/customers?q=pat&limit=1")
    assert page.status_code == 200
    assert "Patricia Oak" in page.text and "Sam Patton" not in page.text
    assert f"after={shoppers['patricia'].id}" in page.text
    following = await client.get(f"/admin/customers?q=pat&limit=1&after={shoppers['patricia'].id}")
    assert "Pat Parker" in following.text and "Patricia Oak" not in following.text
    assert f"before={shoppers['pat'].id}" in following.text


async def test_someone_not_signed_in_is_sent_to_sign_in(
    shoppers: dict[str, Customer], client: httpx.AsyncClient
) -> None:
    for path in ("/admin/customers", f"/admin/customers/{shoppers['pat'].id}"):
        answer = await client.get(path)
        assert answer.status_code == 303 and "/login" in answer.headers["location"]
    stop = await client.post(f"/admin/customers/{shoppers['pat'].id}/stop-mail", data={"reason": "x"})
    assert stop.status_code in (303, 403)
    assert await suppression_of("pat@example.com") is None
