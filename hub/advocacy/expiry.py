"""Points that expire after a period without earning or spending (off unless the shop sets
``points_expiry_days``), with a reminder mail ``points_expiry_reminder_days`` before.

The worker's job ``expire_points`` writes, for each customer whose last earning or spending
is older than the period, one line taking back the whole matured balance. The line is keyed
by the last activity, so a repeat of the job adds nothing; a reminder is keyed the same way,
so each quiet spell gets one reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.functions import Max

from hub.advocacy.models import PointsEntry
from hub.advocacy.points import ACTIVITY, Source, balance_of
from hub.catalog.models import Customer, MailKind
from hub.config import Settings
from hub.mail.outbox import enqueue


@dataclass(frozen=True)
class Quiet:
    customer_id: int
    last_id: int
    last_at: datetime


async def _quiet_since(before: datetime) -> list[Quiet]:
    """Customers whose last earning or spending came before ``before`` (the newest line is
    the one with the highest id)."""
    rows = (
        await PointsEntry.filter(source__in=ACTIVITY)
        .annotate(last_id=Max("id"))
        .group_by("customer_id")
        .values("customer_id", "last_id")
    )
    last = PointsEntry.filter(id__in=[row["last_id"] for row in rows], created_at__lt=before)
    found = await last.values_list("customer_id", "id", "created_at")
    return [Quiet(customer_id, last_id, last_at) for customer_id, last_id, last_at in found]


async def expire_points(settings: Settings, now: datetime) -> int:
    """Worker job: take back the matured points of customers quiet for the whole period."""
    if not settings.points_expiry_days:
        return 0
    expired = 0
    for quiet in await _quiet_since(now - timedelta(days=settings.points_expiry_days)):
        balance = (await balance_of(quiet.customer_id)).balance
        key = f"expiry:{quiet.customer_id}:{quiet.last_id}"
        if balance <= 0 or await PointsEntry.filter(event_key=key).exists():
            continue
        await PointsEntry.create(
            customer_id=quiet.customer_id,
            points=-balance,
            reason=f"expired after {settings.points_expiry_days} days without activity",
            source=Source.EXPIRY.value,
            event_key=key,
        )
        expired += 1
    return expired


async def remind_points_expiry(settings: Settings, now: datetime) -> int:
    """Worker job: mail customers whose points expire within the reminder days."""
    if not settings.points_expiry_days:
        return 0
    period = timedelta(days=settings.points_expiry_days)
    lead = timedelta(days=min(settings.points_expiry_reminder_days, settings.points_expiry_days))
    sent = 0
    for quiet in await _quiet_since(now - period + lead):
        if quiet.last_at + period <= now:
            continue  # expired already (or about to be, by expire_points)
        if await _remind(settings, quiet, quiet.last_at + period):
            sent += 1
    return sent


async def _remind(settings: Settings, quiet: Quiet, expires_at: datetime) -> bool:
    customer = await Customer.get_or_none(id=quiet.customer_id, erased_at=None)
    balance = (await balance_of(quiet.customer_id)).balance
    if customer is None or balance <= 0 or not customer.accepts(MailKind.OFFERS.value):
        return False
    queued = await enqueue(
        settings,
        kind="points_expiry",
        template="points_expiry",
        context={"customer": customer, "points": balance, "expires_on": expires_at.date().isoformat()},
        to=customer.email,
        customer=customer,
        dedupe_key=f"points_expiry:{customer.id}:{quiet.last_id}",
    )
    return queued is not None
