"""The fraud rules of referrals, each with the reason an admin reads.

Certain cases are settled at once (the referrer's own account, a friend who had ordered
before); doubtful ones (the same person under another address, the same shipping address or
phone, too many referrals in the period, a refund before the return window) wait for an
admin's decision on the referrals page.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.catalog.models import Customer, Order
from hub.catalog.schema import normalise_email
from hub.config import Settings


class Reason:
    SELF_REFERRAL = "self_referral"
    SAME_EMAIL = "same_email"
    SAME_SHIPPING = "same_shipping"
    SAME_PHONE = "same_phone"
    EXISTING_CUSTOMER = "existing_customer"
    TOO_MANY = "too_many"
    REFUNDED = "refunded"


LABELS = {
    Reason.SELF_REFERRAL: "the referrer used their own code",
    Reason.SAME_EMAIL: "the friend's address is the referrer's (dots or a +tag aside)",
    Reason.SAME_SHIPPING: "shipped to the referrer's address",
    Reason.SAME_PHONE: "the referrer's phone number",
    Reason.EXISTING_CUSTOMER: "the friend had ordered before",
    Reason.TOO_MANY: "more referrals from this referrer than the shop allows in the period",
    Reason.REFUNDED: "the friend's order was refunded",
}

# Providers that ignore dots in the local part and read everything after a + as a tag.
DOTLESS = {"gmail.com", "googlemail.com"}
PLUS_TAGS = DOTLESS | {"outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com", "fastmail.com"}


def comparable_email(raw: str) -> str:
    """The address as one mailbox: gmail's dots and the providers' +tags dropped."""
    email = normalise_email(raw)
    local, _, domain = email.rpartition("@")
    if not local:
        return email
    if domain in PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in DOTLESS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def certain_outcome(referrer: Customer, friend: Customer, earlier_orders: bool) -> str | None:
    """The reason that settles a referral at once, if any."""
    if referrer.id == friend.id:
        return Reason.SELF_REFERRAL
    if earlier_orders:
        return Reason.EXISTING_CUSTOMER
    return None


async def doubts(settings: Settings, referrer: Customer, friend: Customer, order: Order) -> list[str]:
    """The reasons to hold a referral for an admin."""
    from hub.advocacy.models import Referral

    found = []
    if comparable_email(referrer.email) == comparable_email(friend.email):
        found.append(Reason.SAME_EMAIL)
    theirs = Order.filter(customer_id=referrer.id)
    if order.shipping_key and await theirs.filter(shipping_key=order.shipping_key).exists():
        found.append(Reason.SAME_SHIPPING)
    if order.phone_key and await theirs.filter(phone_key=order.phone_key).exists():
        found.append(Reason.SAME_PHONE)
    since: datetime = order.placed_at - timedelta(days=settings.referral_limit_days)
    recent = Referral.filter(referrer_id=referrer.id, order__placed_at__gte=since)
    if await recent.count() >= settings.referral_limit:
        found.append(Reason.TOO_MANY)
    return found


def labels(reasons: list[str]) -> list[str]:
    return [LABELS.get(reason, reason) for reason in reasons]
