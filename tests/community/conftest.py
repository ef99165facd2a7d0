"""Community factories: a tent, its past buyers, a question; the app with the community routes."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from hub.reviews.models import ReviewStatus
from starlette.applications import Starlette
from starlette.routing import BaseRoute

import hub.app
from hub import urls
from hub.app import create_app
from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.community import routes as community_routes
from hub.community import screening
from hub.community.models import Question
from hub.config import Settings
from hub.dataio import ratelimit
from hub.widget import votes
from tests.mail.conftest import MailCollector, mailbox, smtp_server, smtp_settings  # noqa: F401  (aiosmtpd)

NOW = datetime.now(UTC).replace(microsecond=0)
STORE = "https://shop.example"


@pytest.fixture(autouse=True)
def community_wired(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Links in mail resolve the community routes, wired in `hub.app` or not yet."""
    wired = hub.app.all_routes

    def all_routes() -> list[BaseRoute]:
        routes = wired()
        names = {getattr(route, "name", None) for route in routes}
        return routes if "answer_form" in names else [*routes, *community_routes.routes]

    monkeypatch.setattr(hub.app, "all_routes", all_routes)
    monkeypatch.setattr(screening, "ask_window", screening.IpWindow())
    monkeypatch.setattr(screening, "keyed_limits", ratelimit.KeyedLimiter())
    monkeypatch.setattr(votes, "vote_window", votes.IpWindow(limit=votes.VOTES_PER_IP))
    urls._router.cache_clear()
    yield
    urls._router.cache_clear()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(store_origins=(STORE,))


@pytest.fixture
def app(settings: Settings) -> Starlette:
    application = create_app(settings)
    if "answer_form" not in {getattr(route, "name", None) for route in application.router.routes}:
        application.router.routes.extend(community_routes.routes)
    return application


@pytest.fixture
async def tent(db: str) -> Product:
    return await Product.create(
        external_id="tent-2p", name="Two-person tent", url="https://shop.example/tent"
    )


BuyerMaker = Callable[..., Awaitable[Customer]]


@pytest.fixture
def make_buyer(tent: Product) -> BuyerMaker:
    """A customer with an order of the tent ``days_ago``; keyword arguments set customer fields."""

    async def make(email: str, name: str = "", days_ago: int = 20, **fields: Any) -> Customer:
        customer = await Customer.create(email=email, name=name or email.split("@")[0].title(), **fields)
        order = await Order.create(
            source="api",
            external_id=f"o-{email}",
            customer=customer,
            placed_at=NOW - timedelta(days=days_ago),
        )
        await OrderLine.create(order=order, product=tent)
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
