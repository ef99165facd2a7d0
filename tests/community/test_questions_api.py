"""The public questions API: CORS, moderation of what shoppers ask, answer order and votes."""

from __future__ import annotations

import httpx
import pytest

from hub.catalog.models import Customer, Product
from hub.community.models import Answer, Question
from tests.community.conftest import NOW, STORE, BuyerMaker

ASK = "/api/v1/products/tent-2p/questions"
VOTER = "browser-id-0123456789"


def _ask(body: str, **extra: str) -> dict[str, str]:
    return {"email": "erin@example.org", "body": body, **extra}


async def test_it_echoes_an_allowed_store_origin(client: httpx.AsyncClient, tent: Product) -> None:
    listed = await client.get(ASK, headers={"Origin": STORE})
    assert listed.headers["access-control-allow-origin"] == STORE
    assert "Origin" in listed.headers["vary"]
    elsewhere = await client.get(ASK, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in elsewhere.headers


async def test_it_refuses_questions_posted_from_other_sites(client: httpx.AsyncClient, tent: Product) -> None:
    posted = await client.post(ASK, headers={"Origin": "https://evil.example"}, json=_ask("Is it warm?"))
    assert posted.status_code == 403
    assert not await Question.exists()


@pytest.mark.parametrize(
    ("extra", "body", "status", "reason"),
    [
        ({}, "Is it warm enough for spring nights?", "published", "clean"),
        ({"website": "http://spam.example"}, "Cheap watches here, please buy", "spam", "honeypot"),
        ({}, "Is this arsehole of a tent waterproof?", "pending", "profanity"),
        ({}, "Call me on +44 20 7946 0958 about it?", "pending", "contact_details"),
    ],
    ids=["clean", "honeypot", "profanity", "phone"],
)
async def test_it_moderates_a_question_from_a_customer_through_the_pipeline(
    client: httpx.AsyncClient,
    tent: Product,
    make_buyer: BuyerMaker,
    extra: dict[str, str],
    body: str,
    status: str,
    reason: str,
) -> None:
    await make_buyer("erin@example.org", "Erin Buyer")
    posted = await client.post(ASK, headers={"Origin": STORE}, json=_ask(body, **extra))
    assert posted.status_code == 201
    question = await Question.get()
    assert (question.status, question.status_reason) == (status, reason)
    assert "7946" not in question.body


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-address", "body": "Is it warm?"}, "email"),
        ({"email": "erin@example.org", "body": ""}, "body"),
        ({"email": "erin@example.org", "body": "x" * 1001}, "body"),
    ],
)
async def test_it_names_the_field_of_a_refused_question(
    client: httpx.AsyncClient, tent: Product, payload: dict[str, str], field: str
) -> None:
    posted = await client.post(ASK, headers={"Origin": STORE}, json=payload)
    assert posted.status_code == 422
    assert posted.json()["errors"][0]["path"] == field


async def test_it_lists_published_questions_with_the_best_answer_first(
    client: httpx.AsyncClient, question: Question, tent: Product
) -> None:
    await Question.create(product=tent, asker_email="x@example.org", body="Held one", status="pending")
    buyer = await Customer.create(email="fay@example.net", name="Fay Buyer")
    await Answer.create(
        question=question,
        customer=buyer,
        body="Helpful",
        status="published",
        helpful_count=5,
        verified_buyer=True,
        published_at=NOW,
    )
    await Answer.create(
        question=question,
        body="From us",
        status="published",
        is_brand=True,
        display_name="Acme Outdoors",
        published_at=NOW,
    )
    await Answer.create(question=question, customer=buyer, body="Hidden", status="pending")
    listed = (await client.get(ASK)).json()["items"]
    assert [item["body"] for item in listed] == [question.body]
    assert [answer["body"] for answer in listed[0]["answers"]] == ["From us", "Helpful"]


async def test_a_browser_votes_an_answer_helpful_once(client: httpx.AsyncClient, question: Question) -> None:
    answer = await Answer.create(question=question, body="Yes", status="published", published_at=NOW)
    url = f"/api/v1/answers/{answer.id}/votes"
    first = await client.post(url, headers={"Origin": STORE}, json={"voter": VOTER})
    second = await client.post(url, headers={"Origin": STORE}, json={"voter": VOTER})
    assert first.json() == {"counted": True, "helpful": 1}
    assert second.json() == {"counted": False, "helpful": 1}


async def test_the_fragment_form_asks_without_javascript(
    client: httpx.AsyncClient, tent: Product, make_buyer: BuyerMaker
) -> None:
    await make_buyer("erin@example.org", "Erin Buyer")
    page = await client.get("/widget/products/tent-2p/questions")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'self' https://shop.example" in policy and "form-action 'self'" in policy
    assert "x-frame-options" not in page.headers
    sent = await client.post(
        "/widget/products/tent-2p/questions",
        headers={"Origin": "http://testserver"},
        data={"email": "erin@example.org", "body": "Is it warm at night?"},
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("?asked=published")
    shown = await client.get(sent.headers["location"])
    assert "Is it warm at night?" in shown.text and "your question is published" in shown.text


async def test_the_fragment_form_shows_an_error_next_to_the_field(
    client: httpx.AsyncClient, tent: Product
) -> None:
    sent = await client.post(
        "/widget/products/tent-2p/questions",
        headers={"Origin": "http://testserver"},
        data={"email": "nope", "body": "Is it warm at night?"},
    )
    assert sent.status_code == 400
    assert 'id="email-error"' in sent.text
