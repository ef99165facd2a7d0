"""A real SMTP server in-process (aiosmtpd), and queued test messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.mail.outbox import enqueue
from tests.conftest import free_port


class MailCollector:
    """Keeps every message the server accepted; can refuse at RCPT or DATA with a reply."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.connections = 0
        self.refuse_rcpt = ""
        self.refuse_data = ""
        self.on_message: Callable[[], None] | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_data:
            return self.refuse_data
        assert isinstance(envelope.content, bytes)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        if self.on_message is not None:
            self.on_message()
        return "250 Message accepted"

    @property
    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.received]


class CountingSMTP(SMTP):
    def connection_made(self, transport: Any) -> None:
        self.event_handler.connections += 1
        super().connection_made(transport)


class CountingController(Controller):
    def factory(self) -> SMTP:
        return CountingSMTP(self.handler, **self.SMTP_kwargs)


def start_server(collector: MailCollector, port: int) -> Controller:
    controller = CountingController(collector, hostname="127.0.0.1", port=port)
    controller.start()
    collector.connections = 0  # the controller's own readiness probe
    return controller


@pytest.fixture
def smtp_server() -> Iterator[tuple[MailCollector, int]]:
    collector = MailCollector()
    port = free_port()
    controller = start_server(collector, port)
    yield collector, port
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[MailCollector, int]) -> MailCollector:
    return smtp_server[0]


@pytest.fixture
def smtp_settings(settings: Settings, smtp_server: tuple[MailCollector, int]) -> Settings:
    return settings.with_overrides(smtp_host="127.0.0.1", smtp_port=smtp_server[1])


async def queue_message(
    settings: Settings, customer: Customer | None = None, to: str = "", **fields: Any
) -> OutboxMessage:
    """A test message to ``to``, else to ``customer``, else to Dana's address."""
    message = await enqueue(
        settings,
        kind="review_request",
        template="test_message",
        context={"name": "Dana"},
        to=to or (customer.email if customer else "dana@example.com"),
        customer=customer,
    )
    assert message is not None
    if fields:
        await OutboxMessage.filter(id=message.id).update(**fields)
        await message.refresh_from_db()
    return message


async def queue_many(settings: Settings, count: int) -> list[OutboxMessage]:
    return [await queue_message(settings, to=f"buyer{n}@example.net") for n in range(count)]
