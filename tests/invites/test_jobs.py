from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
from hub.reviews.models import Review

from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.invites.jobs import send_due_invitations, send_due_reminders
from hub.invites.models import AccessToken, Invitation, InvitationStatus
from hub.mail.models import OutboxMessage
from hub.mail.outbox import unsubscribe_url
from tests.invites.conftest import SHIPPED, TENT, dana_order

LINK = re.compile(r'href="(http://testserver/r/[^"]+)"')


async def _sent(ingest: Any, settings: Settings) -> Invitation:
    await ingest(dana_order())
    await send_due_invitations(settings, SHIPPED + settings.invite_delay)
    return await Invitation.get()


async def test_nothing_is_sent_before_the_invitation_is_due(ingest: Any, settings: Settings) -> None:
    await ingest(dana_order())
    due = SHIPPED + settings.invite_delay
    assert await send_due_invitations(settings, due - timedelta(minutes=1)) == 0
    assert not await OutboxMessage.exists()


async def test_a_due_invitation_becomes_exactly_one_mail(ingest: Any, settings: Settings) -> None:
    await ingest(dana_order())
    due = SHIPPED + settings.invite_delay
    assert await send_due_invitations(settings, due) == 1
    assert await send_due_invitations(settings, due + timedelta(hours=1)) == 0
    message = await OutboxMessage.get()
    assert (message.kind, message.to_address) == ("review_request", "dana@example.com")
    assert message.dedupe_key == f"invite:{(await Invitation.get()).id}:request"
    assert "Acme Outdoors" in message.subject
    assert "Trail Tent" in message.html_body and "tent.jpg" in message.html_body
    unsubscribe = unsubscribe_url(settings, (await Customer.get()).id)
    assert unsubscribe in message.text_body and unsubscribe in message.html_body
    invitation = await Invitation.get()
    assert invitation.status == InvitationStatus.SENT
    assert invitation.sent_at == due
    assert invitation.remind_at == due + settings.reminder_delay
    assert invitation.claimed_by is None


async def test_the_token_is_stored_only_as_a_hash(ingest: Any, settings: Settings) -> None:
    await _sent(ingest, settings)
    message = await OutboxMessage.get()
    raw = LINK.search(message.html_body).group(1).split("/r/")[1].split("?")[0]  # type: ignore[union-attr]
    token = await AccessToken.get()
    assert len(raw) >= 43 and raw not in token.token_hash
    assert token.purpose == "review" and token.order_id == (await Invitation.get()).order_id


async def test_a_star_in_the_mail_opens_the_form_with_that_rating_chosen(
    ingest: Any, settings: Settings, client: httpx.AsyncClient
) -> None:
    await _sent(ingest, settings)
    tent = await Product.get(external_id=TENT.product_id)
    links = LINK.findall((await OutboxMessage.get()).html_body)
    four_stars = next(link for link in links if f"product={tent.id}&amp;rating=4" in link)
    page = await client.get(four_stars.replace("&amp;", "&"))
    assert page.status_code == 200
    chosen = re.findall(r'<input type="radio"[^>]*checked', page.text)
    assert len(chosen) == 1
    assert f'name="rating-{tent.id}" value="4"' in chosen[0]
    assert "Trail Tent" in page.text and "Camp Mug" in page.text
    assert 'name="csrf_token"' in page.text and 'method="post"' in page.text
    assert (await Invitation.get()).opened_at is not None


async def test_an_unknown_link_shows_a_friendly_404(client: httpx.AsyncClient) -> None:
    page = await client.get("/r/not-a-token")
    assert page.status_code == 404
    assert "We could not find that page" in page.text


async def test_an_expired_link_shows_a_410(
    ingest: Any, settings: Settings, client: httpx.AsyncClient
) -> None:
    from hub.invites.links import issue_token

    outcome = await ingest(dana_order())
    raw = await issue_token(
        "review",
        customer=await Customer.get(),
        ttl=timedelta(days=-1),
        order=await outcome_order(outcome.order_id),
    )
    page = await client.get(f"/r/{raw}")
    assert page.status_code == 410
    assert "Trail Tent" not in page.text


async def outcome_order(order_id: int) -> Any:
    from hub.catalog.models import Order

    return await Order.get(id=order_id)


async def test_the_reminder_goes_out_once_with_a_fresh_link(
    ingest: Any, settings: Settings, client: httpx.AsyncClient
) -> None:
    invitation = await _sent(ingest, settings)
    assert invitation.remind_at is not None
    assert await send_due_reminders(settings, invitation.remind_at - timedelta(minutes=1)) == 0
    assert await send_due_reminders(settings, invitation.remind_at) == 1
    assert await send_due_reminders(settings, invitation.remind_at + timedelta(days=1)) == 0
    reminder = await OutboxMessage.get(kind="review_reminder")
    assert reminder.dedupe_key == f"invite:{invitation.id}:reminder"
    assert (await Invitation.get()).status == InvitationStatus.REMINDED
    request = await OutboxMessage.get(kind="review_request")
    old_link, new_link = LINK.search(request.html_body), LINK.search(reminder.html_body)
    assert old_link and new_link and old_link.group(1) != new_link.group(1)
    assert (await client.get(old_link.group(1).replace("&amp;", "&"))).status_code == 200


async def test_no_reminder_once_the_customer_reviewed(ingest: Any, settings: Settings) -> None:
    invitation = await _sent(ingest, settings)
    await Review.create(
        product=await Product.get(external_id=TENT.product_id),
        customer=await Customer.get(),
        order_id=invitation.order_id,
        rating=4,
        submitted_at=SHIPPED + timedelta(days=8),
    )
    assert invitation.remind_at is not None
    await send_due_reminders(settings, invitation.remind_at)
    assert not await OutboxMessage.exists(kind="review_reminder")
    assert (await Invitation.get()).remind_at is None


async def test_an_unanswered_invitation_expires(ingest: Any, settings: Settings) -> None:
    invitation = await _sent(ingest, settings)
    assert invitation.expires_at is not None
    await send_due_reminders(settings, invitation.expires_at)
    assert (await Invitation.get()).status == InvitationStatus.EXPIRED
