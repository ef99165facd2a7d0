"""The two sides of a referral: the friend's welcome code, and the referrer's reward once the
friend's first order is past its return window; an admin's decision on a held referral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.advocacy import referral_rules as rules
from hub.advocacy.models import Referral, ReferralCode, ReferralWelcome
from hub.advocacy.offers import reward_code, welcome_code
from hub.advocacy.points import REFERRAL_REASON, Source, earn
from hub.advocacy.referrals import Outcome
from hub.catalog.models import Customer, MailKind, Order
from hub.catalog.schema import EMAIL_PATTERN, normalise_email
from hub.config import Settings
from hub.mail.outbox import enqueue
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.web.errors import FieldError, InvalidInput

BATCH = 200


def matures_at(settings: Settings, order: Order) -> datetime:
    """When the order's return window closes: counted from delivery, else fulfilment, else the order."""
    start = order.delivered_at or order.fulfilled_at or order.placed_at
    return start + timedelta(days=settings.referral_return_days)


async def reward_matured_referrals(settings: Settings, now: datetime) -> int:
    """Worker job: reward each counted referral whose order is still a purchase past its window.

    1. take counted, unrewarded referrals oldest first;
    2. skip those whose order's window is still open;
    3. claim one with a conditional update of ``rewarded_at`` (two workers never both win);
    4. grant the reward (points, or a code mailed to the referrer) in the same transaction.
    """
    pending = Referral.filter(
        outcome=Outcome.COUNTED, rewarded_at__isnull=True, order__cancelled_at__isnull=True
    )
    rewarded = 0
    for referral in await pending.filter(order__refunded_at__isnull=True).order_by("id").limit(BATCH):
        order = await Order.get(id=referral.order_id)
        if matures_at(settings, order) > now:
            continue
        async with in_transaction():
            claimed = await Referral.filter(id=referral.id, rewarded_at__isnull=True).update(rewarded_at=now)
            if claimed:
                await _grant(settings, referral, order, now)
                rewarded += 1
    return rewarded


async def _grant(settings: Settings, referral: Referral, order: Order, now: datetime) -> None:
    referrer = await Customer.get(id=referral.referrer_id)
    if settings.referral_reward == "points":
        await earn(
            referrer.id,
            settings.referral_points,
            REFERRAL_REASON,
            source=Source.REFERRAL,
            event_key=f"referral:{referral.id}",
            order=order,
        )
        return
    code = await reward_code(settings, referrer, f"referral {referral.id}", now)
    await Referral.filter(id=referral.id).update(reward_code=code)
    if code and referrer.accepts(MailKind.OFFERS.value):
        await enqueue(
            settings,
            kind="referral_reward",
            template="referral_reward",
            context={"customer": referrer, "offer_code": code, "store_url": settings.store_url},
            to=referrer.email,
            customer=referrer,
            dedupe_key=f"referral_reward:{referral.id}",
        )


class DecisionError(Exception):
    pass


async def decide(referral_id: int, approve: bool, staff: StaffUser, now: datetime) -> Referral:
    """An admin approves (it counts, its reward follows the window) or rejects a held referral."""
    outcome = Outcome.COUNTED if approve else Outcome.REJECTED
    changed = await Referral.filter(id=referral_id, outcome=Outcome.HELD).update(
        outcome=outcome, decided_by_id=staff.id, decided_at=now
    )
    if not changed:
        raise DecisionError("This referral is not waiting for a decision.")
    referral = await Referral.get(id=referral_id)
    await audit(
        staff,
        f"referral.{'approve' if approve else 'reject'}",
        "referral",
        referral_id,
        reasons=referral.reasons,
    )
    return referral


@dataclass(frozen=True)
class Welcome:
    offer_code: str
    mailed: bool


async def claim_welcome(settings: Settings, code: ReferralCode, raw_email: str, now: datetime) -> Welcome:
    """The friend's welcome code, mailed once per mailbox; ``InvalidInput`` names why not."""
    address = normalise_email(raw_email)
    if len(address) > 254 or not EMAIL_PATTERN.match(address):
        raise InvalidInput([FieldError("email", "enter an email address such as name@example.com")])
    mailbox = rules.comparable_email(address)
    referrer = await Customer.get(id=code.customer_id)
    if mailbox == rules.comparable_email(referrer.email):
        raise InvalidInput([FieldError("email", "is the address of the friend who shared this link")])
    if await Order.filter(customer__email=address).exists():
        raise InvalidInput([FieldError("email", "already has orders here: the welcome is for new customers")])
    existing = await ReferralWelcome.get_or_none(email=mailbox)
    if existing:
        return Welcome(existing.offer_code, mailed=False)
    offer = await welcome_code(settings, f"welcome via {code.code}", now)
    if not offer:
        raise InvalidInput([FieldError("email", "cannot get a welcome code now: the shop has none left")])
    try:
        welcome = await ReferralWelcome.create(code=code, email=mailbox, offer_code=offer)
    except IntegrityError:  # claimed at the same moment in another request
        return Welcome(offer, mailed=False)
    context = {"offer_code": offer, "referrer": referrer, "store_url": settings.store_url, "ref": code.code}
    await enqueue(
        settings,
        kind="referral_welcome",
        template="referral_welcome",
        context=context,
        to=address,
        dedupe_key=f"referral_welcome:{welcome.id}",
    )
    return Welcome(offer, mailed=True)
