"""Win-back mail: once in 180 days, only to customers who still accept offers, and its wins."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.advocacy.models import WinBack
from hub.advocacy.winback import attribute_win_backs, send_win_backs, win_back_figures
from hub.catalog.models import Customer
from hub.config import Settings
from hub.mail.models import OutboxMessage
from tests.advocacy.conftest import NOW
from tests.conftest import make_customer, make_order


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Every customer due is mailed: the hold-out has its tests in test_winback_offers.py."""
    return settings.with_overrides(win_back_holdout_percent=0)


async def lapsed(name: str = "Lapsed Lee", **fields: object) -> Customer:
    return await make_customer(name, stage="dormant", stage_since=NOW - timedelta(days=2), **fields)


async def test_a_customer_who_went_dormant_gets_one_win_back_mail(db: str, settings: Settings) -> None:
    settings = settings.with_overrides(win_back_offer="COMEBACK10")
    lee = await lapsed()
    assert await send_win_backs(settings, NOW) == 1
    assert await send_win_backs(settings, NOW + timedelta(days=100)) == 0
    mail = await OutboxMessage.get(kind="win_back")
    assert mail.to_address == lee.email and "COMEBACK10" in mail.text_body
    assert (await WinBack.get(customer=lee)).offer_code == "COMEBACK10"


async def test_the_mail_may_come_again_after_180_days(db: str, settings: Settings) -> None:
    lee = await lapsed()
    await send_win_backs(settings, NOW)
    later = NOW + timedelta(days=181)
    await Customer.filter(id=lee.id).update(stage_since=later - timedelta(days=1))
    assert await send_win_backs(settings, later) == 1


async def test_no_mail_after_an_unsubscribe_or_an_offers_opt_out(db: str, settings: Settings) -> None:
    await lapsed("Gone Gail", unsubscribed_at=NOW - timedelta(days=1))
    await lapsed("No Offers Otto", mail_opt_outs=["offers"])
    await make_customer("Happy Hal", stage="active", stage_since=NOW)
    await make_customer("Long Gone", stage="dormant", stage_since=NOW - timedelta(days=400))
    assert await send_win_backs(settings, NOW) == 0


async def test_an_order_within_thirty_days_is_won_back(db: str, settings: Settings) -> None:
    lee, kim = await lapsed(), await lapsed("Kim Late")
    await send_win_backs(settings, NOW)
    won = await make_order(lee, placed_at=NOW + timedelta(days=10))
    await make_order(kim, placed_at=NOW + timedelta(days=31))
    assert await attribute_win_backs(settings, NOW + timedelta(days=40)) == 1
    assert (await WinBack.get(customer=lee)).won_order_id == won.id  # type: ignore[attr-defined]
    figures = await win_back_figures(NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert (figures.sent, figures.won) == (2, 1)
