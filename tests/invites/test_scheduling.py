from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.invites.jobs import send_due_invitations
from hub.invites.models import Invitation, InvitationStatus
from hub.mail.models import OutboxMessage
from hub.reviews.models import Review
from tests.invites.conftest import MUG, SHIPPED, TENT, dana_order
from tests.mail.conftest import queue_message


async def test_a_fulfilled_order_gets_one_invitation_after_the_delay(ingest: Any, settings: Settings) -> None:
    outcome = await ingest(dana_order())
    await ingest(dana_order())
    invitation = await Invitation.get(order_id=outcome.order_id)
    assert invitation.send_at == SHIPPED + settings.invite_delay
    assert invitation.status == InvitationStatus.SCHEDULED
    assert await Invitation.all().count() == 1


async def test_an_unfulfilled_order_waits_for_its_fulfilment(ingest: Any) -> None:
    outcome = await ingest(dana_order(shipped=None))
    assert outcome.invitation_send_at is None
    assert not await Invitation.exists()


@pytest.mark.parametrize(
    "opt_out",
    [
        {"unsubscribed_at": datetime(2025, 1, 1, tzinfo=UTC)},
        {"mail_opt_outs": ["review_requests"]},
        {"erased_at": datetime(2025, 1, 1, tzinfo=UTC)},
    ],
)
async def test_a_customer_who_opted_out_gets_no_invitation(ingest: Any, opt_out: dict[str, Any]) -> None:
    await Customer.create(email="dana@example.com", name="Dana Buyer", **opt_out)
    await ingest(dana_order())
    assert await Order.exists()
    assert not await Invitation.exists()


async def test_a_cancelled_order_gets_no_invitation(ingest: Any) -> None:
    await ingest(dana_order(cancelled=SHIPPED))
    assert not await Invitation.exists()


async def test_cancelling_an_order_cancels_its_waiting_invitation(ingest: Any) -> None:
    await ingest(dana_order())
    await ingest(dana_order(cancelled=SHIPPED + timedelta(hours=1)))
    assert (await Invitation.get()).status == InvitationStatus.CANCELLED


async def test_the_delivered_trigger_waits_for_the_delivery(settings: Settings, db: str) -> None:
    from hub.orders.ingest import ingest_order

    delivered_settings = settings.with_overrides(invite_trigger="delivered")
    await ingest_order(delivered_settings, dana_order())
    assert not await Invitation.exists()
    delivered = SHIPPED + timedelta(days=1)
    order = dana_order()
    await ingest_order(delivered_settings, type(order)(**{**vars(order), "delivered_at": delivered}))
    assert (await Invitation.get()).send_at == delivered + settings.invite_delay


async def test_an_order_of_only_reviewed_products_gets_no_invitation(ingest: Any) -> None:
    first = await ingest(dana_order("1000", lines=(TENT,)))
    tent = await Product.get(external_id=TENT.product_id)
    customer = await Customer.get(email="dana@example.com")
    await Invitation.filter(order_id=first.order_id).delete()
    await Review.create(
        product=tent, customer=customer, order_id=first.order_id, rating=5, submitted_at=SHIPPED
    )
    again = await ingest(dana_order("1001", lines=(TENT,)))
    assert again.invitation_send_at is None
    assert not await Invitation.exists()


async def test_a_reviewed_product_is_left_out_of_the_request(ingest: Any, settings: Settings) -> None:
    earlier = await ingest(dana_order("1000", lines=(TENT,)))
    tent = await Product.get(external_id=TENT.product_id)
    await Review.create(
        product=tent, customer=await Customer.get(), order_id=earlier.order_id, rating=5, submitted_at=SHIPPED
    )
    outcome = await ingest(dana_order("1001", lines=(TENT, MUG)))
    await Invitation.exclude(order_id=outcome.order_id).delete()
    await send_due_invitations(settings, SHIPPED + settings.invite_delay)
    message = await OutboxMessage.get()
    assert MUG.product_name in message.text_body
    assert TENT.product_name not in message.text_body


async def test_a_fourth_customer_mail_in_thirty_days_postpones_the_review_request(
    ingest: Any, settings: Settings
) -> None:
    """The cap is counted from the outbox (hub.mail.caps), shared with every other customer mail."""
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    for day, number in enumerate(("1", "2", "3"), start=1):
        outcome = await ingest(dana_order(number, lines=(TENT,)))
        await Invitation.filter(order_id=outcome.order_id).update(
            status=InvitationStatus.SENT.value, sent_at=due - timedelta(days=day)
        )
        dana = await Customer.get(email="dana@example.com")
        mail = await queue_message(settings, dana, kind="survey" if day == 2 else "review_request")
        await OutboxMessage.filter(id=mail.id).update(created_at=due - timedelta(days=day), status="sent")
    fourth = await ingest(dana_order("4", lines=(MUG,)))
    await Invitation.filter(order_id=fourth.order_id).update(send_at=due)
    assert await send_due_invitations(settings, due) == 1
    assert await OutboxMessage.all().count() == 3, "no fourth mail"
    invitation = await Invitation.get(order_id=fourth.order_id)
    assert invitation.status == InvitationStatus.SCHEDULED
    assert invitation.claimed_by is None
    assert invitation.send_at == due - timedelta(days=3) + timedelta(days=30)
    await send_due_invitations(settings, invitation.send_at)
    assert await OutboxMessage.all().count() == 4
