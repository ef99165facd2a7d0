"""The case page is the whole conversation: the feedback that opened it, then every event in order,
the customer's mail (read from a real Dovecot) with its attachment among them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import httpx
from PIL import Image

from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.photos.models import Photo
from hub.staff.models import StaffUser
from hub.triage.escalation import escalate_overdue
from hub.triage.inbound.jobs import read_support_mailbox
from hub.triage.models import Case
from hub.triage.recovery import record_recovery, send_due_follow_ups
from tests.conftest import NOW, csrf_from, log_in, make_customer
from tests.imap_server import ImapServer
from tests.triage.conftest import make_case, post_action
from tests.triage.inbound.conftest import append, customer_mail

BODY = "The pole snapped on the first night and the tent never stood again."
EVENT = re.compile(r'<li class="event event-([a-z_]+)"')


def _png(colour: str = "teal") -> bytes:
    out = BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "PNG")
    return out.getvalue()


def _webp(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (160, 120), "olive").save(path, "WEBP")


async def _photo(settings: Settings, case: Case, status: str, letter: str) -> Photo:
    web, thumb = f"{letter * 22}.webp", f"{letter.upper() * 22}.webp"
    _webp(settings.media_dir / web)
    _webp(settings.media_dir / thumb)
    return await Photo.create(review_id=case.review_id, status=status, web_name=web, thumb_name=thumb)


async def _flagged_case(settings: Settings, customer: Customer) -> Case:
    start = BODY.index("pole snapped")
    return await make_case(
        settings,
        customer=customer,
        body=BODY,
        evidence=((start, start + len("pole snapped"), "broken_item"),),
        reasons=("low_rating", "broken_item"),
    )


async def _work_the_case(
    client: httpx.AsyncClient, settings: Settings, imap_server: ImapServer, case: Case
) -> None:
    """Every kind of entry, each the way it really happens: actions, the mailbox, the worker's jobs."""
    await post_action(client, case, "assign", assignee="me")
    await post_action(client, case, "note", body="Asked the warehouse for a new pole.")
    await post_action(client, case, "reply", body="A new pole is on its way.")
    sent = await OutboxMessage.get(kind="case_reply")
    mail = customer_mail("Thanks! Here is the broken pole.", in_reply_to=sent.message_id)
    mail.add_attachment(_png(), maintype="image", subtype="png", filename="broken-pole.png")
    append(imap_server, settings.imap_folder, mail)
    assert await read_support_mailbox(settings, NOW) == 1
    assert await escalate_overdue(settings, datetime.now(UTC)) == 1
    await post_action(client, case, "resolve", resolution="replacement", note="New pole sent.")
    resolved = await Case.get(id=case.id)
    assert resolved.follow_up_due_at is not None
    assert await send_due_follow_ups(settings, resolved.follow_up_due_at + timedelta(minutes=1)) == 1
    await record_recovery(case.id, 5, "The new pole fits, thank you.")


async def test_the_case_page_shows_the_whole_conversation_in_order(
    client: httpx.AsyncClient, mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    case = await _flagged_case(mailbox, await make_customer("Dana Buyer", email="dana@example.net"))
    pending = await _photo(mailbox, case, "pending", "p")
    approved = await _photo(mailbox, case, "approved", "q")
    await log_in(client, bob)
    await _work_the_case(client, mailbox, imap_server, case)

    page = (await client.get(f"/admin/cases/{case.id}")).text
    kinds = EVENT.findall(page)
    assert kinds == [
        "opened",
        "created",
        "assigned",
        "note",
        "reply",
        "customer_reply",
        "escalated",
        "status",
        "follow_up",
        "recovery",
    ]
    assert '<mark title="broken item">pole snapped</mark>' in page
    assert '<span class="badge flag">low rating</span>' in page
    assert '<span class="badge flag">broken item</span>' in page
    for photo in (pending, approved):
        full = f"/admin/cases/{case.id}/photos/{photo.id}/full"
        thumb = f"/admin/cases/{case.id}/photos/{photo.id}/thumbnail"
        assert f'<a href="{full}"><img src="{thumb}" alt="Photo' in page
        assert f"({photo.status}), opens full size" in page
        for path in (full, thumb):
            shown = await client.get(path)
            assert shown.status_code == 200 and shown.headers["content-type"] == "image/webp"
    assert "Internal note" in page and "Asked the warehouse for a new pole." in page
    assert "to Bob Agent" in page
    assert "Thanks! Here is the broken pole." in page
    assert re.search(r'<img src="/admin/inbound/attachments/\d+/thumbnail" alt="broken-pole.png"', page)
    assert "SLA target missed: escalated" in page
    assert "Follow-up answered" in page and "CSAT 5/5" in page and "The new pole fits, thank you." in page


async def test_a_case_photo_is_only_served_for_its_own_case_and_to_staff(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await make_case(settings)
    other = await make_case(settings)
    photo = await _photo(settings, case, "pending", "r")
    path = f"/admin/cases/{case.id}/photos/{photo.id}/full"
    assert (await client.get(path)).status_code == 303  # to the login page, no image
    await log_in(client, bob)
    assert (await client.get(path)).status_code == 200
    assert (await client.get(f"/admin/cases/{other.id}/photos/{photo.id}/full")).status_code == 404
    assert (await client.get(f"/admin/cases/{case.id}/photos/{photo.id}/original")).status_code == 404


async def test_an_email_case_from_an_unknown_sender_can_be_answered_at_the_address_it_came_from(
    client: httpx.AsyncClient, mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    mail = customer_mail(
        "Do you ship tents to Norway?", sender="stranger@example.org", subject="Shipping to Norway"
    )
    append(imap_server, mailbox.imap_folder, mail)
    assert await read_support_mailbox(mailbox, NOW) == 1
    case = await Case.get(kind="email")
    assert case.customer_id is None  # type: ignore[attr-defined]
    await log_in(client, bob)

    page = (await client.get(f"/admin/cases/{case.id}")).text
    assert "An unknown sender: Dana Buyer &lt;stranger@example.org&gt;" in page
    assert '<dd id="reply-recipient">Dana Buyer &lt;stranger@example.org&gt;</dd>' in page
    response = await post_action(client, case, "reply", body="Yes, in five working days.")
    assert response.status_code == 200 and "no customer address" not in response.text
    sent = await OutboxMessage.get(kind="case_reply")
    assert sent.to_address == "stranger@example.org"
    assert sent.subject == f"[{case.reference}] Re: Shipping to Norway"
    assert "> Do you ship tents to Norway?" in sent.text_body


async def test_a_case_with_no_address_at_all_still_refuses_a_reply(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    case = await make_case(settings)
    await Case.filter(id=case.id).update(customer_id=None)
    await log_in(client, bob)
    response = await post_action(client, case, "reply", htmx=False, body="Hello?")
    assert response.status_code == 422 and "no customer address to reply to" in response.text
    assert not await OutboxMessage.filter(kind="case_reply").exists()
    token = await csrf_from(client, f"/admin/cases/{case.id}")
    assert token  # the page itself still opens
