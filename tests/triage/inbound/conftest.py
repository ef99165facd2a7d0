"""The support mailbox on a real Dovecot: one server per session, a fresh folder per test,
messages put in with IMAP APPEND."""

from __future__ import annotations

import itertools
import os
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from imapclient import IMAPClient

from hub.config import Settings
from tests.imap_server import ImapServer

_folders = itertools.count(1)


def imap(server: ImapServer, password: str = "") -> IMAPClient:
    client = IMAPClient(server.host, server.port, ssl=False)
    client.login(server.username, password or server.password)
    return client


@pytest.fixture
def mailbox(settings: Settings, imap_server: ImapServer, db: str) -> Settings:
    """``settings`` reading a fresh folder of the test mailbox, over plain IMAP on 127.0.0.1."""
    folder = f"Support{os.getpid()}x{next(_folders)}"
    with imap(imap_server) as client:
        client.create_folder(folder)
    return settings.with_overrides(
        imap_host=imap_server.host,
        imap_port=imap_server.port,
        imap_tls="none",
        imap_username=imap_server.username,
        imap_password=imap_server.password,
        imap_folder=folder,
        imap_poll_seconds=0,
        support_email="support@shop.test",
    )


def append(server: ImapServer, folder: str, message: EmailMessage | bytes) -> None:
    raw = message if isinstance(message, bytes) else message.as_bytes()
    with imap(server) as client:
        client.append(folder, raw)


def flags_in(server: ImapServer, folder: str) -> list[tuple[bytes, ...]]:
    with imap(server) as client:
        client.select_folder(folder, readonly=True)
        found = client.fetch(client.search(["ALL"]), ["FLAGS"])
        return [tuple(data[b"FLAGS"]) for _, data in sorted(found.items())]


def customer_mail(
    body: str,
    *,
    sender: str = "dana@example.net",
    subject: str = "Re: your feedback",
    in_reply_to: str = "",
    **headers: str,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Dana Buyer <{sender}>"
    mail["To"] = "support@shop.test"
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="example.net")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail
