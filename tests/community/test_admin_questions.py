"""/admin/questions: moderators approve, reject and answer as the brand; agents may not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from hub.advocacy.models import Award
from hub.catalog.models import Customer, Product
from hub.community.models import Answer, Question
from hub.staff.models import AuditEntry, StaffUser
from tests.community.conftest import NOW
from tests.conftest import csrf_from

Login = Callable[[StaffUser], Awaitable[httpx.Response]]


@pytest.fixture
async def held(tent: Product) -> Question:
    return await Question.create(
        product=tent,
        asker_email="x@example.org",
        body="Is this arsehole tent ok?",
        status="pending",
        status_reason="profanity",
    )


async def test_bob_the_agent_may_not_moderate_questions(
    client: httpx.AsyncClient, login: Login, bob: StaffUser, held: Question
) -> None:
    await login(bob)
    assert (await client.get("/admin/questions")).status_code == 403


async def test_carol_approves_a_held_question_inline_with_htmx(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, held: Question
) -> None:
    await login(carol)
    token = await csrf_from(client, "/admin/questions")
    swapped = await client.post(
        f"/admin/questions/{held.id}/approve", data={"csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200 and f'id="question-{held.id}"' in swapped.text
    await held.refresh_from_db()
    assert held.status == "published" and held.published_at is not None
    assert await AuditEntry.exists(action="question.approve", target_id=str(held.id))


async def test_a_moderation_post_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, held: Question
) -> None:
    await login(carol)
    refused = await client.post(f"/admin/questions/{held.id}/approve", data={})
    assert refused.status_code == 403
    await held.refresh_from_db()
    assert held.status == "pending"


async def test_carol_answers_as_the_brand(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, question: Question
) -> None:
    await login(carol)
    token = await csrf_from(client, "/admin/questions")
    sent = await client.post(
        f"/admin/questions/{question.id}/answer",
        data={"csrf_token": token, "body": "Yes: it is 140 cm wide."},
    )
    assert sent.status_code == 303
    answer = await Answer.get()
    assert answer.is_brand and answer.status == "published" and answer.display_name == "Acme Outdoors"


async def test_approving_a_third_answer_awards_the_helpful_answerer_badge(
    client: httpx.AsyncClient, login: Login, carol: StaffUser, question: Question
) -> None:
    fay = await Customer.create(email="fay@example.net", name="Fay Buyer")
    for body in ("One", "Two"):
        await Answer.create(question=question, customer=fay, body=body, status="published", published_at=NOW)
    third = await Answer.create(question=question, customer=fay, body="Three", status="pending")
    await login(carol)
    token = await csrf_from(client, "/admin/questions")
    approved = await client.post(f"/admin/answers/{third.id}/approve", data={"csrf_token": token})
    assert approved.status_code == 303
    assert await Award.exists(customer=fay, badge="helpful_answerer")


async def test_a_held_answer_waits_in_the_queue(
    client: httpx.AsyncClient, login: Login, alice: StaffUser, question: Question
) -> None:
    await Answer.create(
        question=question, body="Buy at cheap.example now", status="spam", status_reason="links"
    )
    await login(alice)
    page = await client.get("/admin/questions")
    assert "Buy at cheap.example now" in page.text and "Answers waiting" in page.text
