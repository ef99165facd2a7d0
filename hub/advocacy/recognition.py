"""Recognising advocates: a badge, points on the ledger, and a thank-you mail with a referral link.

Points never depend on a review's rating: a marketer gives a fixed number per recognition,
and referrals earn a fixed number per referred order (taken back when that order is refunded
in full or cancelled; ``settle_points``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from tortoise.transactions import in_transaction

from hub.advocacy.badges import BADGES, RECOGNISED, badge_for
from hub.advocacy.models import Award, PointsEntry
from hub.advocacy.points import REFERRAL_REASON, Source, earn, reverse
from hub.advocacy.referrals import code_for
from hub.catalog.models import Customer, MailKind, Order
from hub.config import Settings
from hub.mail.outbox import enqueue
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.urls import external_url
from hub.web.errors import InvalidInput

MAX_POINTS = 10_000


RecognitionError = InvalidInput  # the one (field, reason) error; the page reads .field and .reason


@dataclass
class RecognitionResult:
    recognised: list[int] = field(default_factory=list)
    mailed: list[int] = field(default_factory=list)


def check_request(customer_ids: list[int], badge: str, points: int) -> None:
    if not customer_ids:
        raise RecognitionError.one("customers", "pick at least one customer")
    if badge not in BADGES:
        raise RecognitionError.one("badge", "pick one of the badges")
    if not 0 <= points <= MAX_POINTS:
        raise RecognitionError.one("points", f"must be between 0 and {MAX_POINTS}")


async def recognise(
    settings: Settings, customer_ids: list[int], badge: str, points: int, actor: StaffUser, now: datetime
) -> RecognitionResult:
    """Give each customer the badge, the points and a thank-you mail (if they accept thanks)."""
    check_request(customer_ids, badge, points)
    result = RecognitionResult()
    for customer in await Customer.filter(id__in=customer_ids, erased_at__isnull=True).order_by("id"):
        await _recognise_one(customer, badge, points, actor)
        result.recognised.append(customer.id)
        if await thank(settings, customer, badge, points, now):
            result.mailed.append(customer.id)
    await audit(
        actor,
        "advocates.recognise",
        "customer",
        ",".join(map(str, result.recognised)),
        badge=badge,
        points=points,
    )
    return result


async def _recognise_one(customer: Customer, badge: str, points: int, actor: StaffUser) -> None:
    async with in_transaction():
        await Award.get_or_create(customer=customer, badge=badge, defaults={"awarded_by": actor})
        await Award.get_or_create(customer=customer, badge=RECOGNISED, defaults={"awarded_by": actor})
        await earn(customer.id, points, f"badge:{badge}", source=Source.STAFF, created_by=actor)


async def thank(settings: Settings, customer: Customer, badge: str, points: int, now: datetime) -> bool:
    """The thank-you mail for ``badge`` (once per customer and badge), if they accept thanks."""
    if not customer.accepts(MailKind.THANKS.value) or badge_for(badge) is None:
        return False
    code = await code_for(customer)
    context = {
        "customer": customer,
        "badge": badge_for(badge),
        "points": points,
        "referral_url": external_url(settings, "referral_redirect", code=code.code),
        "code": code.code,
    }
    queued = await enqueue(
        settings,
        kind="advocate_thanks",
        template="advocate_thanks",
        context=context,
        to=customer.email,
        customer=customer,
        dedupe_key=f"advocate_thanks:{customer.id}:{badge}",
        send_at=now,
    )
    return queued is not None


async def settle_points(order: Order) -> int:
    """Take back what ``order`` no longer earns: a refund its share of each entry tied to the
    order, a cancellation or a full refund all of it. A referral's points stand while the
    referred order is a purchase. Idempotent: a repeat adds nothing."""
    earned = await PointsEntry.filter(order_id=order.id, reverses_id__isnull=True, points__gt=0)
    taken: dict[int, int] = {}
    for reverses_id, points in await PointsEntry.filter(reverses_id__in=[e.id for e in earned]).values_list(
        "reverses_id", "points"
    ):
        taken[reverses_id] = taken.get(reverses_id, 0) - points
    share = Decimal("0") if order.is_purchase else Decimal("1")
    added = 0
    for entry in earned:
        part = share if entry.reason == REFERRAL_REASON else order.refunded_share
        due = int(entry.points * part) - taken.get(entry.id, 0)
        if due <= 0:
            continue
        await reverse(entry, due, "refund" if order.is_purchase else "cancelled", order.id)
        added += 1
    return added
