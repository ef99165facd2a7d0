"""The customer page: one timeline of what the customer did and was sent, and the actions for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from hub.admin.customer_timeline import customer_timeline
from hub.advocacy.models import Award, PointsEntry, StageSnapshot
from hub.catalog.models import Customer, Refund
from hub.mail.models import OutboxMessage
from hub.mail.suppression import suppression_of
from hub.reviews.models import Review
from hub.triage.models import Case, CaseEvent
from tests.conftest import csrf_from, make_customer, make_order, make_product

NOW = datetime.now(UTC).replace(microsecond=0)
DUE = NOW + timedelta(days=2)


async def _dana() -> Customer:
    dana = await make_customer("Dana Buyer", email="dana@example.com")
    tent = await make_product("Trail Tent")
    order = await make_order(
        dana, tent, external_id="5001", total="148.51", placed_at=NOW - timedelta(days=9)
    )
    await Refund.create(
        order=order, external_id="R1", refunded_at=NOW - timedelta(days=3), amount=Decimal("20.00")
    )
    await Review.create(
        product=tent, customer=dana, rating=2, title="Pole snapped", submitted_at=NOW - timedelta(days=5)
    )
    await Case.create(customer=dana, reasons=["low_rating"], first_response_due_at=DUE, resolution_due_at=DUE)
    return dana


async def test_the_timeline_shows_orders_refunds_reviews_and_cases_newest_first(
    db: str, client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    dana = await _dana()
    await login(bob)
    page = await client.get(f"/admin/customers/{dana.id}")
    assert page.status_code == 200
    text = page.text
    order, refund = text.index("Order 5001: 148.51 USD"), text.index("Refund on order 5001: 20.00 USD")
    review = text.index("Pole snapped")
    assert refund < review < order  # newest first: the refund (3 days ago), the review (5), the order (9)
    assert "C-0" in text


async def test_stop_mail_suppresses_the_address_and_resume_lifts_it(
    db: str, client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    dana = await _dana()
    await login(bob)
    path = f"/admin/customers/{dana.id}"
    token = await csrf_from(client, path)
    missing = await client.post(f"{path}/stop-mail", data={"reason": " ", "csrf_token": token})
    assert missing.status_code == 422 and 'role="alert">reason: ' in missing.text
    assert await suppression_of("dana@example.com") is None
    stopped = await client.post(f"{path}/stop-mail", data={"reason": "asked by phone", "csrf_token": token})
    assert stopped.status_code == 303
    suppression = await suppression_of("dana@example.com")
    assert suppression is not None and "asked by phone" in suppression.reason
    assert "asked by phone" in (await client.get(path)).text
    await client.post(f"{path}/resume-mail", data={"csrf_token": token})
    assert await suppression_of("dana@example.com") is None


async def test_open_case_makes_a_manual_case_with_the_note_as_its_first_message(
    db: str, client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    dana = await _dana()
    await login(bob)
    path = f"/admin/customers/{dana.id}"
    token = await csrf_from(client, path)
    opened = await client.post(f"{path}/open-case", data={"note": "Called about sizing", "csrf_token": token})
    assert opened.status_code == 303
    case = await Case.filter(customer=dana, kind="manual").get()
    assert opened.headers["location"].endswith(f"/admin/cases/{case.id}")
    note = await CaseEvent.filter(case=case, kind="note").get()
    assert note.body == "Called about sizing" and note.actor_id == bob.id
    assert "Called about sizing" in (await client.get(opened.headers["location"])).text
    assert not await OutboxMessage.filter(to_address="dana@example.com").exists()


async def test_the_timeline_also_holds_mails_points_badges_stage_changes_and_unsubscribes(
    db: str,
) -> None:
    dana = await _dana()
    today = NOW.date()
    await StageSnapshot.bulk_create(
        [
            StageSnapshot(customer=dana, day=today - timedelta(days=8), stage="new"),
            StageSnapshot(customer=dana, day=today - timedelta(days=7), stage="new"),
            StageSnapshot(customer=dana, day=today - timedelta(days=6), stage="active"),
        ]
    )
    await OutboxMessage.create(
        kind="case_reply",
        to_address=dana.email,
        customer=dana,
        subject="[C-000001] Re: your feedback",
        text_body="",
        html_body="",
        message_id="<t1@hub>",
        status="sent",
        next_attempt_at=NOW,
        sent_at=NOW - timedelta(days=2),
    )
    await PointsEntry.create(customer=dana, points=50, reason="manual_bonus")
    await Award.create(customer=dana, badge="top_reviewer")
    await Customer.filter(id=dana.id).update(unsubscribed_at=NOW - timedelta(days=1))
    await dana.refresh_from_db()
    lines = [entry.line for entry in (await customer_timeline(dana)).entries]
    assert "Stage from new to active" in lines and "Stage to new" in lines
    assert "Mail (case reply): “[C-000001] Re: your feedback” (sent)" in lines
    assert "+50 points: manual bonus" in lines and "Unsubscribed from all mail" in lines
    assert any(line.startswith("Badge: ") for line in lines)
    moments = [entry.at for entry in (await customer_timeline(dana)).entries]
    assert moments == sorted(moments, reverse=True)
