"""Birthdays: the reward on the day a customer gave on their preferences page (hub.mail.preferences).

On the day (in the shop's ``HUB_TIME_ZONE``) the worker gives each customer whose birthday it
is their tier's birthday bonus, or the shop's ``HUB_POINTS_FOR_BIRTHDAY``, once a year (the unique
``birthday_reward`` per customer and year), and a birthday mail if they accept offers. A
29 February birthday is kept on 28 February in other years.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from hub.advocacy.models import BirthdayReward
from hub.advocacy.points import Source, earn
from hub.advocacy.tiers import tier_benefits
from hub.catalog.models import Customer, MailKind
from hub.config import Settings
from hub.mail.outbox import enqueue

BIRTHDAY_REASON = "birthday"


def shop_today(settings: Settings, now: datetime) -> date:
    return now.astimezone(ZoneInfo(settings.time_zone)).date()


def birthdays_on(day: date) -> list[str]:
    """The ``MM-DD`` values celebrated on ``day``: 29 February falls on the 28th in other years."""
    found = [f"{day.month:02d}-{day.day:02d}"]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        found.append("02-29")
    return found


async def award_birthday(customer: Customer, points: int, year: int) -> None:
    """The year's birthday points, through the ledger's one way in (once per customer and year)."""
    await earn(
        customer.id,
        points,
        BIRTHDAY_REASON,
        source=Source.BIRTHDAY,
        event_key=f"birthday:{customer.id}:{year}",
    )


async def _reward(settings: Settings, customer: Customer, year: int, now: datetime) -> bool:
    """The year's reward, once: the unique (customer, year) row and the points together."""
    points = tier_benefits(customer, settings).birthday_bonus
    try:
        async with in_transaction():
            await BirthdayReward.create(customer=customer, year=year, points=points)
            await award_birthday(customer, points, year)
    except IntegrityError:  # another worker rewarded this year first
        return False
    if customer.accepts(MailKind.OFFERS.value):
        await enqueue(
            settings,
            kind="birthday",
            template="birthday",
            context={"customer": customer, "points": points, "store_url": settings.store_url},
            to=customer.email,
            customer=customer,
            dedupe_key=f"birthday:{customer.id}:{year}",
            send_at=now,
        )
    return True


async def send_birthdays(settings: Settings, now: datetime) -> int:
    """Worker job: today's birthdays (shop time) not yet rewarded this year."""
    today = shop_today(settings, now)
    rewarded = BirthdayReward.filter(year=today.year).values("customer_id")
    due = Customer.filter(birthday__in=birthdays_on(today), erased_at__isnull=True).exclude(
        id__in=Subquery(rewarded)
    )
    done = 0
    for customer in await due.order_by("id"):
        done += await _reward(settings, customer, today.year, now)
    return done
