"""A customer's choice of mail, reached through the unsubscribe link in every mail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from hub.catalog.models import Customer, MailKind
from hub.config import Settings
from hub.links.legacy import legacy_signed_customer_id
from hub.links.models import LinkPurpose
from hub.links.tokens import LinkError, resolve_token


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


async def save_choices(customer: Customer, wanted: Iterable[str], now: datetime) -> None:
    """Keep the kinds in ``wanted``; choosing none unsubscribes, choosing some resubscribes."""
    kinds = set(wanted)
    customer.mail_opt_outs = [kind.value for kind in MailKind if kind.value not in kinds]
    if kinds & {kind.value for kind in MailKind}:
        customer.unsubscribed_at = None
    elif customer.unsubscribed_at is None:
        customer.unsubscribed_at = now
    await customer.save(update_fields=["mail_opt_outs", "unsubscribed_at", "updated_at"])


def wanted_kinds(customer: Customer) -> set[str]:
    return {kind.value for kind in MailKind if customer.accepts(kind.value)}
