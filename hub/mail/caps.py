"""The one cap on how much customer mail a customer gets: ``HUB_MAIL_CAP`` mails in ``HUB_MAIL_CAP_DAYS``.

Every kind of mail the hub sends to a customer on its own initiative counts (``CAPPED``),
read from the one place that records mail, the outbox; review invitations, survey sends
and win-backs ask ``next_free_slot`` (one customer) or ``capped_customers`` (a batch)
before they queue one. Mail a customer asked for by writing to the shop (a reply to their
own case, review or question, a confirmation link, the case follow-up) is transactional:
it is neither counted nor held back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.functions import Count

from hub.config import Settings
from hub.mail.models import MessageStatus, OutboxMessage

CAPPED = (
    "review_request",
    "review_reminder",
    "survey",
    "survey_reminder",
    "win_back",
    "advocate_thanks",
    "answer_request",
    "points_expiry",
    "tier_up",
    "tier_keep",
    "birthday",
    "referral_reward",
)
# A cancelled or failed message never reached the customer; one queued or being sent will.
COUNTED = (MessageStatus.QUEUED.value, MessageStatus.SENDING.value, MessageStatus.SENT.value)


def window(settings: Settings) -> timedelta:
    return timedelta(days=settings.mail_cap_days)


async def mails_in_window(settings: Settings, customer_id: int, now: datetime) -> list[datetime]:
    """When this customer was queued capped mail since the window began, oldest first (mail queued
    a moment ago by another job of this pass counts too)."""
    since = now - window(settings)
    found = await OutboxMessage.filter(
        customer_id=customer_id,
        kind__in=CAPPED,
        status__in=COUNTED,
        created_at__gt=since,
    ).values_list("created_at", flat=True)
    return sorted(moment for moment in found if isinstance(moment, datetime))  # type: ignore[misc]


async def next_free_slot(settings: Settings, customer_id: int, now: datetime) -> datetime | None:
    """None when the customer may get one more capped mail now; else when they may again."""
    mails, cap = await mails_in_window(settings, customer_id, now), settings.mail_cap
    if len(mails) < cap:
        return None
    return mails[-cap] + window(settings)


async def capped_customers(settings: Settings, now: datetime, among: Iterable[int] | None = None) -> set[int]:
    """The customers (of ``among``, or all) who reached the cap: one grouped read of the outbox."""
    since = now - window(settings)
    query = OutboxMessage.filter(
        customer_id__not_isnull=True,
        kind__in=CAPPED,
        status__in=COUNTED,
        created_at__gt=since,
    )
    if among is not None:
        ids = list(among)
        if not ids:
            return set()
        query = query.filter(customer_id__in=ids)
    rows = (
        await query.annotate(mails=Count("id"))
        .group_by("customer_id")
        .filter(mails__gte=settings.mail_cap)
        .values_list("customer_id", flat=True)
    )
    return {int(str(row)) for row in rows}
