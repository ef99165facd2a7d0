"""Each event is emitted where it happens, carrying ids and public text only; the Slack format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from hub.advocacy.snapshots import restage_customers
from hub.config import Settings
from hub.reviews.moderation import moderate_review, reply_to_review
from hub.staff.models import StaffUser
from hub.triage.actions import perform
from hub.triage.recovery import record_recovery
from hub.webhooks.delivery import deliver_webhooks
from hub.webhooks.endpoints import create_endpoint
from hub.webhooks.events import EVENTS
from hub.webhooks.models import WebhookDelivery
from tests.conftest import make_customer, make_order, make_review
from tests.triage.conftest import make_case
from tests.webhooks.conftest import Receiver, now

COMPLAINT = "The tent arrived broken, the zip snapped and support never answered. Terrible."


async def _everything(settings: Settings) -> None:
    await create_endpoint(settings, None, name="All", url="https://93.184.215.14/hook", events=list(EVENTS))


async def _payloads(event: str) -> list[dict[str, Any]]:
    rows = await WebhookDelivery.filter(event=event).order_by("id")
    return [row.payload["data"] for row in rows]


async def test_a_flagged_review_emits_review_flagged_and_case_opened_without_its_text(
    settings: Settings, db: str, tent: object
) -> None:
    await _everything(settings)
    customer = await make_customer("Erin Private", email="erin@example.net")
    order = await make_order(customer, tent)  # type: ignore[arg-type]
    result = await make_review(settings, tent, customer=customer, order=order, rating=1, body=COMPLAINT)
    assert result.case is not None
    (flagged,) = await _payloads("review.flagged")
    assert flagged["review"]["id"] == result.review.id and flagged["review"]["flag_reasons"]
    assert "body" not in flagged["review"] and "title" not in flagged["review"]
    (opened,) = await _payloads("case.opened")
    assert (
        opened["case"]["reference"] == result.case.reference
        and opened["case"]["review_id"] == result.review.id
    )
    assert "zip snapped" not in str([flagged, opened])  # a flagged review's text stays in the hub
    stored = str([row.payload for row in await WebhookDelivery.all()])  # review.published too: it is public
    assert "erin@example.net" not in stored and "Erin Private" not in stored


async def test_moderation_replies_and_case_work_each_emit_their_event(
    settings: Settings, db: str, tent: object, alice: StaffUser, bob: StaffUser
) -> None:
    await _everything(settings)
    held = await make_review(settings.with_overrides(auto_publish=False), tent)
    assert await WebhookDelivery.filter(event="review.published").count() == 0
    await moderate_review(alice, held.review.id, "approve")
    (published,) = await _payloads("review.published")
    assert published["review"]["title"] == "Great tent" and published["review"]["status"] == "published"
    await reply_to_review(settings, alice, held.review.id, "Thank you, Dana!", public=True)
    (reply,) = await _payloads("review.reply_posted")
    assert reply["reply"]["body"] == "Thank you, Dana!" and reply["reply"]["public"] is True

    case = await make_case(settings)
    t = datetime.now(UTC)
    await perform(settings, case.id, bob, "assign", {"assignee": "me"}, t)
    await perform(settings, case.id, bob, "reply", {"body": "We are sending a new tent."}, t)
    await perform(settings, case.id, bob, "resolve", {"resolution": "replacement"}, t)
    await record_recovery(case.id, 5, "Thanks, all good now")
    (assigned,) = await _payloads("case.assigned")
    assert assigned["case"]["assignee_id"] == bob.id and assigned["automatic"] is False
    (replied,) = await _payloads("case.replied")
    assert "We are sending" not in str(replied) and replied["case"]["id"] == case.id
    (resolved,) = await _payloads("case.resolved")
    assert (resolved["case"]["status"], resolved["case"]["resolution_code"]) == ("resolved", "replacement")
    (answered,) = await _payloads("case.follow_up_answered")
    assert answered["csat"] == 5 and "all good" not in str(answered)


async def test_a_stage_change_emits_customer_stage_changed(settings: Settings, db: str, tent: object) -> None:
    await _everything(settings)
    customer = await make_customer(stage="new")
    from hub.catalog.models import Customer

    await Customer.filter(id=customer.id).update(
        stage="dormant", stage_since=datetime.now(UTC) - timedelta(days=400)
    )
    await make_order(customer, tent, placed_at=datetime.now(UTC) - timedelta(days=2))  # type: ignore[arg-type]
    await restage_customers(settings, [customer.id], datetime.now(UTC))
    (moved,) = await _payloads("customer.stage_changed")
    assert (
        moved["customer"] == {"id": customer.id} and moved["from"] == "dormant" and moved["to"] != "dormant"
    )


async def test_a_slack_endpoint_gets_one_line_for_flagged_reviews_and_new_cases(
    allowed: Settings, db: str, receiver: Receiver, tent: object
) -> None:
    await create_endpoint(
        allowed,
        None,
        name="#reviews",
        url=receiver.url,
        kind="slack",
        events=["review.flagged", "case.opened"],
    )
    result = await make_review(allowed, tent, rating=1, body=COMPLAINT)
    assert result.case is not None
    await deliver_webhooks(allowed, now())
    texts = sorted(r.json["text"] for r in receiver.received)
    assert len(texts) == 2 and all(set(r.json) == {"text"} for r in receiver.received)
    case_text, review_text = texts
    assert case_text.startswith(f"Case {result.case.reference} opened (")
    assert f"<http://testserver/admin/cases/{result.case.id}|Open the case>" in case_text
    assert review_text.startswith(f"Review #{result.review.id} flagged (1★): ")
    assert f"<http://testserver/admin/reviews/{result.review.id}|Open the review>" in review_text
    assert all("webhook-signature" not in r.headers for r in receiver.received)  # Slack's URL is its secret
    assert "zip snapped" not in str(texts)


async def test_the_admin_page_offers_every_event(
    client: httpx.AsyncClient, app: Starlette, alice: StaffUser
) -> None:
    from tests.conftest import log_in

    await log_in(client, alice)
    page = await client.get("/admin/webhooks")
    for event in EVENTS:
        assert f'name="event" value="{event}"' in page.text
    assert "/admin/webhooks" in (await client.get("/admin")).text  # in the navigation


async def test_questions_answers_and_photos_emit_their_events(
    settings: Settings, db: str, tent: Any, alice: StaffUser
) -> None:
    from hub.community.answers import answer_as_brand
    from hub.community.questions import QuestionIn, ask_question
    from hub.photos.models import Photo
    from hub.photos.uploads import moderate_photo

    await _everything(settings)
    t = datetime.now(UTC)
    question = await ask_question(
        settings,
        tent,
        QuestionIn(email="asker@example.org", body="Is the floor waterproof?", name="Asker"),
        t,
    )
    (asked,) = await _payloads("question.asked")
    assert asked["question"]["id"] == question.id and "asker@example.org" not in str(asked)
    answer = await answer_as_brand(settings, alice, question.id, "Yes, with taped seams.", t)
    assert answer is not None
    (answered,) = await _payloads("question.answered")
    assert answered["answer"]["body"] == "Yes, with taped seams." and answered["answer"]["brand"] is True
    assert answered["question"] == {"id": question.id, "product_id": tent.id}

    review = (await make_review(settings, tent)).review
    photo = await Photo.create(
        review=review, product_id=tent.id, web_name="abc.webp", thumb_name="abc-t.webp"
    )
    await moderate_photo(settings, alice, photo.id, "approve")
    (approved,) = await _payloads("photo.approved")
    assert (
        approved["photo"]["id"] == photo.id and approved["photo"]["url"] == "http://testserver/media/abc.webp"
    )
