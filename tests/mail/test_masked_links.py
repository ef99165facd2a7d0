"""Once a mail is sent, the hub keeps only a masked copy: no stored body, file or admin page opens a link."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import httpx

from hub.config import Settings
from hub.invites.jobs import send_due_invitations
from hub.invites.links import MASK
from hub.mail.models import OutboxMessage
from hub.mail.sender import send_due
from hub.orders.ingest import ingest_order
from hub.staff.models import StaffUser
from tests.invites.conftest import SHIPPED, dana_order
from tests.mail.conftest import MailCollector

Login = Callable[[StaffUser], Awaitable[httpx.Response]]
LINK = re.compile(r"http://testserver/(r|u)/([A-Za-z0-9_.-]+)")


async def _queue_review_request(settings: Settings) -> OutboxMessage:
    await ingest_order(settings, dana_order())
    assert await send_due_invitations(settings, SHIPPED + settings.invite_delay) == 1
    return await OutboxMessage.get()


def _parts(mail: EmailMessage) -> str:
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text is not None and html is not None
    return f"{text.get_content()}\n{html.get_content()}\n{mail['List-Unsubscribe']}"


def _tokens(mail: EmailMessage) -> set[str]:
    """The review and unsubscribe tokens the customer received."""
    found = {token for _, token in LINK.findall(_parts(mail))}
    assert {kind for kind, _ in LINK.findall(_parts(mail))} == {"r", "u"}
    return found


def _stored(row: OutboxMessage) -> str:
    return f"{row.text_body}\n{row.html_body}\n{row.headers}"


async def test_a_sent_mail_keeps_only_masked_links_while_the_customer_can_still_use_them(
    smtp_settings: Settings, mailbox: MailCollector, client: httpx.AsyncClient, login: Login, alice: StaffUser
) -> None:
    queued = await _queue_review_request(smtp_settings)
    assert await send_due(smtp_settings, datetime.now(UTC) + timedelta(minutes=1)) == 1
    [mail] = mailbox.received
    tokens = _tokens(mail)

    row = await OutboxMessage.get(id=queued.id)
    assert row.status == "sent" and not {t for t in tokens if t in _stored(row)}
    assert f"http://testserver/r/{MASK}?product=" in row.text_body
    assert row.headers["List-Unsubscribe"] == f"<http://testserver/u/{MASK}>"

    await login(alice)
    page = await client.get(f"/admin/outbox/{row.id}")
    assert page.status_code == 200 and f"/r/{MASK}" in page.text
    assert not {t for t in tokens if t in page.text}

    review_link = LINK.search(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert review_link is not None and review_link.group(1) == "r"
    assert (await client.get(review_link.group(0).removeprefix("http://testserver"))).status_code == 200


async def test_the_admin_never_sees_a_live_link_even_in_unsent_mail(
    settings: Settings, client: httpx.AsyncClient, login: Login, alice: StaffUser
) -> None:
    queued = await _queue_review_request(settings)
    live = {token for _, token in LINK.findall(queued.text_body)}
    assert live
    await login(alice)
    page = await client.get(f"/admin/outbox/{queued.id}")
    assert page.status_code == 200 and not {t for t in live if t in page.text}
    row = await OutboxMessage.get(id=queued.id)
    assert row.status == "queued" and live <= {token for _, token in LINK.findall(row.text_body)}


async def test_an_eml_file_holds_only_masked_links(settings: Settings, db: str) -> None:
    queued = await _queue_review_request(settings)
    live = {token for _, token in LINK.findall(queued.text_body + queued.html_body)}
    live.add(queued.headers["List-Unsubscribe"].removeprefix("<http://testserver/u/").rstrip(">"))
    assert await send_due(settings, datetime.now(UTC) + timedelta(minutes=1)) == 1
    [path] = settings.mail_dir.glob("*.eml")
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(mail, EmailMessage)
    shown = _parts(mail) + path.read_text()
    assert f"/r/{MASK}" in shown and mail["List-Unsubscribe"] == f"<http://testserver/u/{MASK}>"
    assert not {t for t in live if t in shown}
    row = await OutboxMessage.get(id=queued.id)
    assert not {t for t in live if t in _stored(row)}
