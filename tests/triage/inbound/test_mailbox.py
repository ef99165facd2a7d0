"""What the hub does with each kind of message in the support mailbox, and with the mailbox."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from io import BytesIO

import httpx
import pytest
from imapclient.exceptions import LoginError
from PIL import Image

from hub.config import Settings
from hub.mail.models import OutboxMessage, SuppressedAddress
from hub.mail.outbox import enqueue
from hub.mail.sender import build_message, send_due
from hub.privacy.erasure import erase_customer
from hub.staff.models import StaffUser
from hub.triage.actions import perform
from hub.triage.inbound.jobs import read_support_mailbox
from hub.triage.inbound.mailbox import open_mailbox
from hub.triage.inbound.models import InboundAttachment, InboundMessage
from hub.triage.inbound.store import store_message
from hub.triage.jobs import escalate_overdue_cases
from hub.triage.models import Case, CaseEvent
from hub.worker import JOBS
from tests.conftest import NOW, log_in, make_customer
from tests.imap_server import ImapServer
from tests.triage.conftest import make_case
from tests.triage.inbound.conftest import append, customer_mail, flags_in, imap


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def _dsn(recipient: str, status: str, returned_id: str) -> bytes:
    return f"""From: MAILER-DAEMON@mx.shop.test
To: support@shop.test
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Message-ID: <dsn-{status}@mx.shop.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

The mail could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop.test

Final-Recipient: rfc822; {recipient}
Action: failed
Status: {status} (mailbox unknown)

--B
Content-Type: text/rfc822-headers

From: reviews@example.com
To: {recipient}
Message-ID: {returned_id}

--B--
""".replace("\n", "\r\n").encode()


async def test_the_worker_reads_the_mailbox_before_the_case_jobs() -> None:
    names = list(JOBS)
    assert names.index("inbound_mail") < names.index("case_sla") < names.index("mail")


async def test_without_an_imap_host_nothing_is_read(settings: Settings, db: str) -> None:
    assert await read_support_mailbox(settings, NOW) == 0


async def test_a_hard_bounce_suppresses_the_address_and_the_sender_skips_it(
    mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    erin = await make_customer("Erin Buyer", email="erin@example.net")
    case = await make_case(mailbox, customer=erin)
    await perform(mailbox, case.id, bob, "reply", {"body": "Sorry about that."}, NOW)
    sent = await OutboxMessage.get(kind="case_reply")
    append(imap_server, mailbox.imap_folder, _dsn("Erin@Example.net", "5.1.1", sent.message_id))

    await read_support_mailbox(mailbox, NOW)

    assert await SuppressedAddress.filter(address="erin@example.net").exists()
    bounce = await CaseEvent.get(case=case, kind="bounce")
    assert bounce.data["hard"] is True and bounce.data["status"] == "5.1.1"
    assert not await CaseEvent.filter(case=case, kind="customer_reply").exists()
    later = await enqueue(
        mailbox, kind="test", template="case_reply", context=_reply_context(case), to=erin.email
    )
    assert later is not None
    other = await enqueue(
        mailbox, kind="test", template="case_reply", context=_reply_context(case), to="x@example.net"
    )

    await send_due(mailbox, datetime.now(UTC))

    statuses = dict(await OutboxMessage.all().values_list("id", "status"))
    assert statuses == {sent.id: "cancelled", later.id: "cancelled", other.id: "sent"}  # type: ignore[union-attr]
    assert "suppressed" in (await OutboxMessage.get(id=later.id)).last_error
    assert len(list(mailbox.mail_dir.glob("*.eml"))) == 1


def _reply_context(case: Case) -> dict[str, object]:
    return {
        "case": case,
        "reference": case.reference,
        "body": "Hello again.",
        "customer": None,
        "agent": None,
    }


async def test_a_soft_bounce_suppresses_nothing(mailbox: Settings, imap_server: ImapServer) -> None:
    append(imap_server, mailbox.imap_folder, _dsn("erin@example.net", "4.2.2", "<nothing@example.com>"))

    await read_support_mailbox(mailbox, NOW)

    assert not await SuppressedAddress.exists()
    assert (await InboundMessage.get()).status == "bounce"
    assert not await Case.exists()


def _with_attachments(*parts: tuple[bytes, str, str, str]) -> EmailMessage:
    mail = customer_mail("Photos of the torn seam attached.", subject="Torn seam")
    for data, maintype, subtype, name in parts:
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail


async def test_an_image_is_shown_inline_a_file_offered_to_staff_and_a_large_one_refused(
    client: httpx.AsyncClient, mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    settings = mailbox.with_overrides(inbound_attachment_mb=1)
    case = await make_case(settings, customer=await make_customer(email="dana@example.net"))
    mail = _with_attachments(
        (_png(), "image", "png", "seam.png"),
        (b"%PDF-1.4 receipt", "application", "pdf", "receipt.pdf"),
        (b"\0" * (1024 * 1024 + 1), "application", "zip", "video.zip"),
        (b"not an image at all", "image", "jpeg", "fake.jpg"),
    )
    append(imap_server, settings.imap_folder, mail)

    await read_support_mailbox(settings, NOW)

    image, pdf, large, fake = await InboundAttachment.all().order_by("id")
    assert (image.kind, pdf.kind, large.kind, fake.kind) == ("image", "file", "refused", "refused")
    assert large.note == "larger than 1 MB: not kept" and not large.stored_name
    assert "is not a JPEG, PNG or WebP image" in fake.note
    assert (settings.data_dir / "inbound" / "files" / pdf.stored_name).stat().st_mode & 0o777 == 0o600
    await log_in(client, bob)
    page = (await client.get(f"/admin/cases/{case.id}")).text
    assert f'<img src="/admin/inbound/attachments/{image.id}/thumbnail"' in page
    assert "receipt.pdf" in page and "video.zip: " in page and "larger than 1 MB: not kept" in page
    shown = await client.get(f"/admin/inbound/attachments/{image.id}")
    assert shown.headers["content-type"] == "image/webp" and shown.content.startswith(b"RIFF")
    download = await client.get(f"/admin/inbound/attachments/{pdf.id}")
    assert download.headers["content-type"] == "application/octet-stream"
    assert (
        download.headers["content-disposition"].startswith("attachment;")
        and download.content == b"%PDF-1.4 receipt"
    )
    assert (await client.get(f"/admin/inbound/attachments/{large.id}")).status_code == 404


async def test_attachments_and_messages_are_for_staff_only(
    client: httpx.AsyncClient, mailbox: Settings, imap_server: ImapServer
) -> None:
    append(imap_server, mailbox.imap_folder, _with_attachments((b"%PDF-1.4", "application", "pdf", "r.pdf")))
    await read_support_mailbox(mailbox, NOW)
    attachment = await InboundAttachment.get()

    for path in (f"/admin/inbound/attachments/{attachment.id}", f"/admin/inbound/{attachment.inbound_id}"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303) and "/login" in response.headers["location"]


async def test_a_worker_killed_before_marking_never_duplicates_a_message(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    case = await make_case(mailbox, customer=await make_customer(email="dana@example.net"))
    append(imap_server, mailbox.imap_folder, customer_mail("Still waiting.", subject=f"[{case.reference}]"))
    # The first run fetched and stored the message, then died before marking it.
    with open_mailbox(mailbox) as box:
        for uid, fetched in box.fetch(box.unread(10)).items():
            assert await store_message(mailbox, box.key(uid), fetched.raw) == 1
    assert flags_in(imap_server, mailbox.imap_folder) == [()]

    await read_support_mailbox(mailbox, NOW)
    await read_support_mailbox(mailbox, NOW)

    assert await InboundMessage.all().count() == 1
    assert [e.body for e in await CaseEvent.filter(case=case, kind="customer_reply")] == ["Still waiting."]
    [flags] = flags_in(imap_server, mailbox.imap_folder)
    assert b"$FeedbackHub" in flags


async def test_the_same_message_in_the_mailbox_twice_lands_once(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    case = await make_case(mailbox, customer=await make_customer(email="dana@example.net"))
    mail = customer_mail("Hello?", subject=f"[{case.reference}]")
    append(imap_server, mailbox.imap_folder, mail)
    append(imap_server, mailbox.imap_folder, mail)

    await read_support_mailbox(mailbox, NOW)

    assert sorted(await InboundMessage.all().values_list("status", flat=True)) == ["duplicate", "reply"]
    assert await CaseEvent.filter(case=case, kind="customer_reply").count() == 1


async def test_a_message_that_cannot_be_read_is_kept_and_the_rest_go_on(
    client: httpx.AsyncClient, mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    unreadable = (
        b"From: someone@example.com\r\nSubject: broken\r\nMessage-ID: <broken@example.com>\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nhello\r\n"
    )
    append(imap_server, mailbox.imap_folder, unreadable)
    append(imap_server, mailbox.imap_folder, customer_mail("A question about sizes.", subject="Sizes"))

    assert await read_support_mailbox(mailbox, NOW) == 2

    kept, read = await InboundMessage.all().order_by("id")
    assert kept.status == "unreadable" and "cannot be decoded" in kept.error and kept.case_id is None
    assert read.status == "reply" and read.case_id is not None
    assert all(b"$FeedbackHub" in flags for flags in flags_in(imap_server, mailbox.imap_folder))
    await log_in(client, bob)
    listed = (await client.get("/admin/inbound?status=unreadable")).text
    assert f'href="/admin/inbound/{kept.id}"' in listed and "the text cannot be decoded" in listed
    assert "A question about sizes" not in listed and "Sizes" not in listed
    page = (await client.get(f"/admin/inbound/{kept.id}")).text
    assert "The message as it came" in page and "charset=x-no-such-charset" in page
    bad = await client.get("/admin/inbound?status=lost")
    assert bad.status_code == 422 and "status" in bad.text


async def test_read_messages_are_moved_to_the_done_folder(mailbox: Settings, imap_server: ImapServer) -> None:
    done = mailbox.imap_folder + "Done"
    with imap(imap_server) as client:
        client.create_folder(done)
    settings = mailbox.with_overrides(imap_done_folder=done)
    append(imap_server, settings.imap_folder, customer_mail("Moved along.", subject="Hello"))

    await read_support_mailbox(settings, NOW)

    assert flags_in(imap_server, settings.imap_folder) == []
    [flags] = flags_in(imap_server, done)
    assert b"$FeedbackHub" in flags
    assert await InboundMessage.all().count() == 1


async def test_it_reads_over_tls_and_starttls_checking_the_certificate(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    append(imap_server, mailbox.imap_folder, customer_mail("Over TLS.", subject="one"))
    tls = mailbox.with_overrides(
        imap_tls="tls", imap_port=imap_server.tls_port, imap_ca_file=imap_server.ca_file
    )
    await read_support_mailbox(tls, NOW)
    append(imap_server, mailbox.imap_folder, customer_mail("Over STARTTLS.", subject="two"))
    await read_support_mailbox(
        mailbox.with_overrides(imap_tls="starttls", imap_ca_file=imap_server.ca_file), NOW
    )

    assert await InboundMessage.all().count() == 2
    unverified = mailbox.with_overrides(imap_tls="tls", imap_port=imap_server.tls_port)
    append(imap_server, mailbox.imap_folder, customer_mail("Never read.", subject="three"))
    try:
        await read_support_mailbox(unverified, NOW)
    except ssl.SSLCertVerificationError:
        pass
    else:
        raise AssertionError("an unverified certificate was accepted")
    assert await InboundMessage.all().count() == 2


async def test_erasing_the_customer_forgets_their_mail_and_its_files(
    client: httpx.AsyncClient, mailbox: Settings, imap_server: ImapServer, bob: StaffUser
) -> None:
    dana = await make_customer(email="dana@example.net")
    case = await make_case(mailbox, customer=dana)
    append(imap_server, mailbox.imap_folder, _with_attachments((b"%PDF-1.4", "application", "pdf", "r.pdf")))
    await read_support_mailbox(mailbox, NOW)
    files = [p for p in (mailbox.data_dir / "inbound").rglob("*") if p.is_file()]
    assert len(files) == 2  # the message and its attachment

    await erase_customer(mailbox, None, dana)

    assert not await InboundMessage.exists() and not await InboundAttachment.exists()
    assert [p for p in (mailbox.data_dir / "inbound").rglob("*") if p.is_file()] == []
    [reply] = await CaseEvent.filter(case=case, kind="customer_reply")
    assert reply.body == "" and reply.data == {}
    await log_in(client, bob)
    page = await client.get(f"/admin/cases/{case.id}")
    assert page.status_code == 200 and "mail from an erased customer" in page.text


async def test_one_worker_looks_into_the_mailbox_once_a_poll_interval(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    patient = mailbox.with_overrides(imap_poll_seconds=3600)
    append(imap_server, mailbox.imap_folder, customer_mail("First.", subject="one"))
    await read_support_mailbox(patient, NOW)
    append(imap_server, mailbox.imap_folder, customer_mail("Second.", subject="two"))
    await read_support_mailbox(patient, NOW)

    assert await InboundMessage.all().count() == 1
    assert len(flags_in(imap_server, mailbox.imap_folder)) == 2


async def test_the_hubs_own_mail_to_the_support_address_is_not_a_reply(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    case = await make_case(mailbox, customer=await make_customer(email="dana@example.net"))
    await escalate_overdue_cases(mailbox, NOW + timedelta(days=30))
    escalation = await OutboxMessage.get(kind="case_escalation")
    append(imap_server, mailbox.imap_folder, build_message(mailbox, escalation, NOW))

    await read_support_mailbox(mailbox, NOW)

    assert (await InboundMessage.get()).status == "own"
    assert not await CaseEvent.filter(case=case, kind="customer_reply").exists()


async def test_of_a_message_too_large_to_read_only_the_headers_are_read(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    settings = mailbox.with_overrides(inbound_message_mb=1)
    case = await make_case(settings, customer=await make_customer(email="dana@example.net"))
    huge = _with_attachments((b"\1" * (1024 * 1024 + 10), "application", "zip", "huge.zip"))
    huge.replace_header("Subject", f"[{case.reference}] the video")
    append(imap_server, settings.imap_folder, huge)
    append(imap_server, settings.imap_folder, customer_mail("A small one.", subject=f"[{case.reference}]"))

    await read_support_mailbox(settings, NOW)

    large, small = await CaseEvent.filter(case=case, kind="customer_reply").order_by("id")
    assert (
        large.body == "larger than 1 MB: only its headers were read; the whole message stays in the mailbox"
    )
    assert small.body == "A small one."
    assert (await InboundMessage.get(id=large.data["message"])).size < 10_000


async def test_a_mailbox_that_refuses_the_login_holds_back_nothing_already_stored(
    mailbox: Settings, imap_server: ImapServer
) -> None:
    await store_message(mailbox, "INBOX:1:1", customer_mail("Stored before.", subject="hello").as_bytes())
    refused = mailbox.with_overrides(imap_password="wrong")

    with pytest.raises(LoginError):
        await read_support_mailbox(refused, NOW)

    assert (await InboundMessage.get()).status == "reply"
