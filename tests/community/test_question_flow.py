"""The question flow end to end, with the worker jobs and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx

from hub.catalog.models import Customer, Product
from hub.community.jobs import ask_buyers, notify_askers
from hub.community.models import Answer, AnswerRequest, Question
from hub.config import Settings
from hub.mail.sender import send_due
from hub.staff.models import StaffUser
from tests.community.conftest import NOW, STORE, BuyerMaker, link_in, mails_to
from tests.conftest import csrf_from
from tests.mail.conftest import MailCollector

Login = Callable[[StaffUser], Awaitable[httpx.Response]]


async def _buyers(make_buyer: BuyerMaker) -> list[Customer]:
    buyers = [await make_buyer(f"buyer{n}@example.net", f"Buyer Number{n}", days_ago=n) for n in range(7)]
    await make_buyer("gone@example.net", "Gone Away", unsubscribed_at=NOW)
    await make_buyer("nomore@example.net", "No Requests", mail_opt_outs=["review_requests"])
    return buyers


async def _run_worker(settings: Settings, after: timedelta = timedelta(seconds=1)) -> int:
    """One worker pass; the outbox queues mail on the real clock, so the pass runs on it too."""
    queued = await ask_buyers(settings, datetime.now(UTC)) + await notify_askers(settings, datetime.now(UTC))
    return queued + await send_due(settings, datetime.now(UTC) + after)


async def test_a_question_is_answered_by_a_past_buyer_and_the_asker_hears_of_it(
    client: httpx.AsyncClient,
    smtp_settings: Settings,
    mailbox: MailCollector,
    tent: Product,
    make_buyer: BuyerMaker,
    login: Login,
    carol: StaffUser,
) -> None:
    buyers = await _buyers(make_buyer)
    recent = buyers[0]
    other = await Question.create(
        product=tent, asker_email="x@example.org", body="Old one?", status="published"
    )
    await AnswerRequest.create(question=other, customer=recent, sent_at=NOW - timedelta(days=3))

    asked = await client.post(
        "/api/v1/products/tent-2p/questions",
        headers={"Origin": STORE},
        json={"email": "Erin@Example.org", "name": "Erin", "body": "Does it fit two adults with backpacks?"},
    )
    assert asked.status_code == 201 and asked.json()["status"] == "pending", "a stranger's question waits"
    await _run_worker(smtp_settings)
    assert [str(m["To"]) for m in mailbox.received] == ["erin@example.org"], "only the confirmation"
    confirm_path = link_in(mailbox.received[0], "/q/")

    await login(carol)
    question = await Question.get(asker_email="erin@example.org")
    token = await csrf_from(client, "/admin/questions")
    await client.post(f"/admin/questions/{question.id}/approve", data={"csrf_token": token})
    await _run_worker(smtp_settings)

    asked_buyers = sorted(str(m["To"]) for m in mailbox.received[1:])
    assert len(asked_buyers) == 5
    assert not {"gone@example.net", "nomore@example.net", recent.email} & set(asked_buyers)

    answer_path = link_in(mailbox.received[1], "/a/")
    answer_page = await client.get(answer_path)
    assert "Does it fit two adults" in answer_page.text
    token = await csrf_from(client, answer_path)
    sent = await client.post(
        answer_path, data={"body": "Yes, two of us with 50 l packs fit, just about.", "csrf_token": token}
    )
    assert "It is published" in sent.text
    answer = await Answer.get()
    assert answer.verified_buyer and answer.status == "published"

    await _run_worker(smtp_settings)
    assert len(mails_to(mailbox, "erin@example.org")) == 1, "no answer mail before the address is confirmed"

    csrf = await csrf_from(client, confirm_path)
    confirmed = await client.post(confirm_path, data={"csrf_token": csrf})
    assert confirmed.status_code == 200 and "your address is confirmed" in confirmed.text
    await _run_worker(smtp_settings)
    told = mails_to(mailbox, "erin@example.org")
    assert len(told) == 2 and "has an answer" in str(told[1]["Subject"])
    assert (await Question.get(asker_email="erin@example.org")).asker_notified_at is not None

    await _run_worker(smtp_settings)
    assert len(mailbox.received) == 7, "nobody is mailed twice"


async def test_a_buyer_answers_a_question_only_once(
    client: httpx.AsyncClient, settings: Settings, question: Question, make_buyer: BuyerMaker
) -> None:
    await make_buyer("fay@example.net", "Fay Buyer")
    await ask_buyers(settings, NOW)
    request = await AnswerRequest.get()
    assert request.customer_id == (await Customer.get(email="fay@example.net")).id  # type: ignore[attr-defined]
    assert await ask_buyers(settings, NOW) == 0, "the job is idempotent"


async def test_an_unknown_or_expired_answer_link_opens_nothing(client: httpx.AsyncClient) -> None:
    page = await client.get("/a/not-a-real-token")
    assert page.status_code == 404
