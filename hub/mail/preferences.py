"""A customer's choice of mail, reached through the unsubscribe link in every mail."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import datetime

from hub.catalog.models import Customer, MailKind
from hub.config import Settings
from hub.links.legacy import legacy_signed_customer_id
from hub.links.models import LinkPurpose
from hub.links.tokens import LinkError, resolve_token
from hub.web.errors import FieldError, InvalidInput
from hub.web.params import whole

MONTHS = tuple(calendar.month_name[1:])
# The longest each month can be: 29 February is a birthday like any other.
LONGEST = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


async def customer_for_token(settings: Settings, token: str) -> Customer | None:
    """The customer a link belongs to; None for a bad link or an erased customer."""
    try:
        customer_id = (await resolve_token(token, LinkPurpose.UNSUBSCRIBE)).customer_id
    except LinkError:
        customer_id = legacy_signed_customer_id(settings, token, "unsubscribe")
    return await Customer.get_or_none(id=customer_id, erased_at=None) if customer_id else None


async def unsubscribe(customer: Customer, now: datetime) -> None:
    """RFC 8058 one-click: no more mail of any kind."""
    if customer.unsubscribed_at is None:
        customer.unsubscribed_at = now
        await customer.save(update_fields=["unsubscribed_at", "updated_at"])


async def save_choices(
    customer: Customer, wanted: Iterable[str], now: datetime, birthday: str | None = None
) -> None:
    """Keep the kinds in ``wanted``; choosing none unsubscribes, choosing some resubscribes.
    ``birthday`` (``MM-DD`` from `parse_birthday`, or None) is kept as given."""
    kinds = set(wanted)
    customer.birthday = birthday
    customer.mail_opt_outs = [kind.value for kind in MailKind if kind.value not in kinds]
    if kinds & {kind.value for kind in MailKind}:
        customer.unsubscribed_at = None
    elif customer.unsubscribed_at is None:
        customer.unsubscribed_at = now
    await customer.save(update_fields=["mail_opt_outs", "unsubscribed_at", "birthday", "updated_at"])


def wanted_kinds(customer: Customer) -> set[str]:
    return {kind.value for kind in MailKind if customer.accepts(kind.value)}


def parse_birthday(month_text: str, day_text: str) -> str | None:
    """``MM-DD`` from the two fields (both empty: no birthday); `InvalidInput` names the bad one."""
    month_text, day_text = month_text.strip(), day_text.strip()
    if not month_text and not day_text:
        return None
    try:
        month = whole(month_text, "birthday_month", low=1, high=12, required=True) or 0
    except InvalidInput:
        raise InvalidInput(FieldError("birthday_month", "pick a month")) from None
    longest = LONGEST[month - 1]
    try:
        day = whole(day_text, "birthday_day", low=1, high=longest, required=True) or 0
    except InvalidInput:
        reason = f"must be a day from 1 to {longest} in {MONTHS[month - 1]}"
        raise InvalidInput(FieldError("birthday_day", reason)) from None
    return f"{month:02d}-{day:02d}"


def birthday_parts(customer: Customer) -> tuple[int, int] | None:
    if not customer.birthday:
        return None
    month, _, day = customer.birthday.partition("-")
    return int(month), int(day)
