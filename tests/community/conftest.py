"""Community factories: a tent, its past buyers, a question."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from hub.catalog.models import Customer, Product
from hub.community.models import Question
from hub.config import Settings
from hub.reviews.models import ReviewStatus
from tests.conftest import make_customer, make_order, make_product
from tests.mail.conftest import MailCollector, mailbox, smtp_server, smtp_settings  # noqa: F401  (aiosmtpd)

NOW = datetime.now(UTC).replace(microsecond=0)
STORE = "https://shop.example"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(store_origins=(STORE,))


@pytest.fixture
async def tent(db: str) -> Product:
    return await make_product("Two-person tent", external_id="tent-2p", url="https://shop.example/tent")


BuyerMaker = Callable[..., Awaitable[Customer]]


@pytest.fixture
def make_buyer(tent: Product) -> BuyerMaker:
    """A customer with an order of the tent ``days_ago``; keyword arguments set customer fields."""

    async def make(email: str, name: str = "", days_ago: int = 20, **fields: Any) -> Customer:
        customer = await make_customer(name or email.split("@")[0].title(), email=email, **fields)
        await make_order(customer, tent, external_id=f"o-{email}", placed_at=NOW - timedelta(days=days_ago))
        return customer

    return make


@pytest.fixture
async def question(tent: Product) -> Question:
    """A published question from Erin, a shopper, that a moderator approved."""
    return await Question.create(
        product=tent,
        asker_email="erin@example.org",
        asker_name="Erin",
        body="Does it fit two adults with backpacks?",
        status=ReviewStatus.PUBLISHED.value,
        published_at=NOW,
        approved_at=NOW,
    )


def mail_part(message: object, kind: str) -> str:
    """The ``plain`` or ``html`` part of a received mail."""
    body = message.get_body(preferencelist=(kind,))  # type: ignore[attr-defined]
    return str(body.get_content())


def link_in(message: object, prefix: str) -> str:
    """The path of the hub link under ``prefix`` (``/a/``, ``/q/``) in a mail's text part."""
    found = re.search(rf"http://testserver({re.escape(prefix)}[A-Za-z0-9_-]+)", mail_part(message, "plain"))
    assert found, f"the mail carries a {prefix} link"
    return found.group(1)


def mails_to(collector: MailCollector, address: str) -> list[EmailMessage]:
    return [message for message in collector.received if str(message["To"]) == address]
