"""Customers' mail to the support mailbox lands on its case: read from a real Dovecot over IMAP."""

from __future__ import annotations

import httpx

from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.staff.models import StaffUser
from hub.triage.actions import perform
from hub.triage.inbound.jobs import read_support_mailbox
from hub.triage.inbound.models import InboundMessage
from hub.triage.models import Case, CaseEvent
from tests.conftest import NOW, log_in, make_customer
from tests.imap_server import ImapServer
from tests.triage.conftest import make_case
from tests.triage.inbound.conftest import append, customer_mail, flags_in

QUOTED = """Thank you, the new poles arrived today and the tent stands again.

Best wishes,
Dana
--
Dana Buyer
Sent from my phone

On Mon, 10 Mar 2025 at 12:00, Acme Outdoors <support@shop.test> wrote:
> Hello Dana, we are sending new poles today.
> The order number is on its way.
"""


async def _dana() -> Customer:
    return await make_customer("Dana Buyer", email="dana@example.net")


async def _replied_case(settings: Settings, bob: StaffUser, customer: Customer) -> tuple[Case, OutboxMessage]:
    case = await make_case(settings, customer=customer)
    await perform(settings, case.id, bob, "reply", {"body": "We are sending new poles today."}, NOW)
    return case, await OutboxMessage.get(kind="case_reply")


async def _replies(case: Case) -> list[CaseEvent]:
    return await CaseEvent.filter(case=case, kind="customer_reply").order_by("id")


async def test_a_reply_to_a_case_mail_lands_on_its_case_without_the_quoted_history(
    client: httpx.AsyncClient, mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    case, sent = await _replied_case(mailbox, bob, await _dana())
    append(imap_server, mailbox.imap_folder, customer_mail(QUOTED, in_reply_to=sent.message_id))

    assert await read_support_mailbox(mailbox, NOW) == 1

    [event] = await _replies(case)
    assert (
        event.body
        == "Thank you, the new poles arrived today and the tent stands again.\n\nBest wishes,\nDana"
    )
    await log_in(client, bob)
    page = (await client.get(f"/admin/cases/{case.id}")).text
    assert "the new poles arrived today" in page
    assert "Hello Dana" not in page and "The order number is on its way" not in page
    assert "Sent from my phone" not in page
    full = await client.get(f"/admin/inbound/{event.data['message']}")
    assert full.status_code == 200
    assert "&gt; The order number is on its way." in full.text
    assert "Sent from my phone" in full.text
    assert (await InboundMessage.get(id=event.data["message"])).matched_by == "thread"
    [flags] = flags_in(imap_server, mailbox.imap_folder)
    assert set(flags) == {b"\\Seen", b"$FeedbackHub"}


async def test_a_reply_is_matched_by_the_case_reference_in_its_subject(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    case = await make_case(mailbox, customer=await _dana())
    mail = customer_mail(
        "It is still broken.", sender="dana.work@example.org", subject=f"[{case.reference}] tent"
    )
    append(imap_server, mailbox.imap_folder, mail)

    await read_support_mailbox(mailbox, NOW)

    [event] = await _replies(case)
    assert event.body == "It is still broken." and event.data["from"] == "dana.work@example.org"
    assert (await InboundMessage.get()).matched_by == "subject"


async def test_a_mail_from_a_customer_with_an_open_case_lands_on_that_case(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    case = await make_case(mailbox, customer=await _dana())
    append(imap_server, mailbox.imap_folder, customer_mail("Any news?", subject="My tent"))

    await read_support_mailbox(mailbox, NOW)

    assert [e.body for e in await _replies(case)] == ["Any news?"]
    assert (await InboundMessage.get()).matched_by == "sender"
    assert await Case.all().count() == 1


async def test_a_mail_that_matches_no_case_opens_an_email_case(
    client: httpx.AsyncClient, mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    dana = await _dana()
    append(imap_server, mailbox.imap_folder, customer_mail("Where is my order?", subject="Order"))
    append(
        imap_server,
        mailbox.imap_folder,
        customer_mail("Do you ship to Iceland?", sender="someone@example.com"),
    )

    await read_support_mailbox(mailbox, NOW)

    cases = await Case.filter(kind="email").order_by("id")
    assert [(c.customer_id, c.reasons) for c in cases] == [(dana.id, ["email"]), (None, ["email"])]
    await log_in(client, bob)
    page = (await client.get(f"/admin/cases/{cases[1].id}")).text
    assert "Do you ship to Iceland?" in page and "mail from someone@example.com" in page
    assert "Opened by a mail to the support mailbox" in page


async def test_a_reply_opens_a_resolved_case_again(
    mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    case, sent = await _replied_case(mailbox, bob, await _dana())
    await perform(mailbox, case.id, bob, "resolve", {"resolution": "replacement"}, NOW)
    append(
        imap_server, mailbox.imap_folder, customer_mail("The poles do not fit.", in_reply_to=sent.message_id)
    )

    await read_support_mailbox(mailbox, NOW)

    reopened = await Case.get(id=case.id)
    assert reopened.status == "open" and reopened.resolved_at is None and reopened.follow_up_due_at is None
    status = await CaseEvent.filter(case=case, kind="status").order_by("-id").first()
    assert status is not None and status.data == {"from": "resolved", "to": "open", "by": "customer"}


async def test_an_automatic_reply_is_noted_but_never_counted_as_the_customers(
    mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    case, sent = await _replied_case(mailbox, bob, await _dana())
    await perform(mailbox, case.id, bob, "resolve", {"resolution": "apology"}, NOW)
    out_of_office = customer_mail(
        "I am away until Monday.",
        in_reply_to=sent.message_id,
        subject="Out of office",
        Auto_Submitted="auto-replied",
    )
    bulk = customer_mail("Your ticket was received.", subject="Ticket", Precedence="bulk")
    append(imap_server, mailbox.imap_folder, out_of_office)
    append(imap_server, mailbox.imap_folder, bulk)

    await read_support_mailbox(mailbox, NOW)

    assert await _replies(case) == []
    # The out-of-office answers the case mail; the bulk notice matches no case and opens none.
    assert await CaseEvent.filter(case=case, kind="auto_reply").count() == 1
    assert (await Case.get(id=case.id)).status == "resolved"
    assert await Case.all().count() == 1
    assert set(await InboundMessage.all().values_list("status", flat=True)) == {"auto_reply"}


async def test_an_unknown_sender_writing_again_lands_on_their_open_case(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    append(
        imap_server,
        mailbox.imap_folder,
        customer_mail("Do you ship to Iceland?", sender="someone@example.com"),
    )
    await read_support_mailbox(mailbox, NOW)
    append(imap_server, mailbox.imap_folder, customer_mail("And to Norway?", sender="someone@example.com"))
    await read_support_mailbox(mailbox, NOW)

    [case] = await Case.all()
    assert [e.body for e in await _replies(case)] == ["Do you ship to Iceland?", "And to Norway?"]
