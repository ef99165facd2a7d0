"""The points ledger: earning by the shop's rules, pending, maturing, reversal and balances.

Every entry is a line of ``PointsEntry`` with its reason and source, so the ledger is the
audit: earnings (positive), and reversals, expiries and redemptions (negative). All
earning goes through ``earn``; a tier's multiplier applies there and nowhere else.

An entry with ``pending_until`` is pending (an order's return window); the worker's job
``mature_points`` clears it once that moment has passed, and only then do the points count
towards the balance. A reversal of a pending entry is pending with it, so the two mature
together. Balance = matured earnings − reversals − expiries − redemptions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum

from hub.advocacy.models import PointsEntry, PoolCode
from hub.advocacy.tiers import benefits_of
from hub.catalog.models import Customer, Order
from hub.config import Settings
from hub.staff.models import StaffUser


class Source(StrEnum):
    ORDER = "order"
    REVIEW = "review"
    REFERRAL = "referral"
    BIRTHDAY = "birthday"
    PROFILE = "profile"
    ANSWER = "answer"
    STAFF = "staff"
    REFUND = "refund"
    EXPIRY = "expiry"
    REDEEM = "redeem"


REFERRAL_REASON = "referral"
# What keeps points alive: earning or spending them (a refund or an expiry does not).
ACTIVITY = tuple(s.value for s in Source if s not in (Source.REFUND, Source.EXPIRY))


async def earn(
    customer_id: int,
    points: int,
    reason: str,
    *,
    source: Source,
    event_key: str | None = None,
    order: Order | None = None,
    pending_until: datetime | None = None,
    multiplier: Decimal = Decimal("1"),
    created_by: StaffUser | None = None,
    code: PoolCode | None = None,
) -> PointsEntry | None:
    """Add ``points`` × ``multiplier`` (rounded down) to the customer's ledger.

    The one place points are earned: a tier's multiplier is applied here. With an
    ``event_key`` already on the ledger nothing is added (None): each event earns once."""
    earned = int((Decimal(points) * multiplier).to_integral_value(ROUND_FLOOR))
    if earned <= 0 and code is None:
        return None
    if event_key and await PointsEntry.filter(event_key=event_key).exists():
        return None
    try:
        return await PointsEntry.create(
            customer_id=customer_id,
            points=earned,
            reason=reason[:64],
            source=source.value,
            event_key=event_key,
            order=order,
            pending_until=pending_until,
            created_by=created_by,
            code=code,
        )
    except IntegrityError:  # a concurrent call recorded the same event first
        if event_key:
            return None
        raise


def return_window_end(settings: Settings, order: Order) -> datetime | None:
    """When an order's points mature: its return window after delivery (or the order)."""
    window = timedelta(days=settings.points_return_window_days)
    return (order.fulfilled_at or order.placed_at) + window if window else None


async def earn_for_order(settings: Settings, order: Order) -> PointsEntry | None:
    """Points for what an order spent, pending until its return window has passed; once per order."""
    if not settings.points_per_currency_unit or not order.is_purchase:
        return None
    points = int(order.total * Decimal(str(settings.points_per_currency_unit)))
    tier = await Customer.filter(id=order.customer_id).values_list("tier", flat=True)
    return await earn(
        order.customer_id,
        points,
        f"order {order.external_id}",
        source=Source.ORDER,
        event_key=f"order:{order.id}",
        order=order,
        pending_until=return_window_end(settings, order),
        # A VIP tier's points multiplier counts on what the customer spends.
        multiplier=Decimal(str(benefits_of(settings, str(tier[0]) if tier else "").multiplier)),
    )


async def earn_for_public_profile(settings: Settings, customer_id: int) -> PointsEntry | None:
    """Points for opting into a public profile, once ever (opting out and in again earns nothing)."""
    return await earn(
        customer_id,
        settings.points_for_public_profile,
        "public profile",
        source=Source.PROFILE,
        event_key=f"profile:{customer_id}",
    )


async def earn_for_answer(settings: Settings, customer_id: int, answer_id: int) -> PointsEntry | None:
    """Points for an answer to another shopper's question, when it is published."""
    return await earn(
        customer_id,
        settings.points_for_answer,
        "answered a question",
        source=Source.ANSWER,
        event_key=f"answer:{answer_id}",
    )


async def reverse(entry: PointsEntry, points: int, reason: str, order_id: int | None) -> PointsEntry:
    """A negative line taking back ``points`` of ``entry``; pending with it while it is pending."""
    return await PointsEntry.create(
        customer_id=entry.customer_id,
        points=-points,
        reason=reason,
        source=Source.REFUND.value,
        order_id=order_id,
        reverses=entry,
        pending_until=entry.pending_until,
    )


async def mature_points(settings: Settings, now: datetime) -> int:
    """Worker job: points whose return window has passed count from now on."""
    return await PointsEntry.filter(pending_until__lte=now).update(pending_until=None)


class Balance(NamedTuple):
    balance: int  # matured and not spent, expired or reversed: what the customer can spend
    pending: int  # still in a return window


async def _sum(**filters: object) -> int:
    rows = await PointsEntry.filter(**filters).annotate(total=Sum("points")).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


async def balance_of(customer_id: int) -> Balance:
    return Balance(
        await _sum(customer_id=customer_id, pending_until__isnull=True),
        await _sum(customer_id=customer_id, pending_until__isnull=False),
    )


async def history(customer_id: int, limit: int = 100) -> list[PointsEntry]:
    entries = PointsEntry.filter(customer_id=customer_id).order_by("-created_at", "-id").limit(limit)
    return await entries.prefetch_related("code")
