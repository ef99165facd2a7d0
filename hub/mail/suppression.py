"""Addresses the hub no longer mails: they bounced hard, or staff stopped mail. The sender skips them."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.exceptions import IntegrityError

from hub.mail.models import SuppressedAddress
from hub.web.columns import cut

SUPPRESSED_ERROR = "not sent: the address bounced hard and is suppressed"


async def suppress(address: str, reason: str) -> bool:
    """Stop mail to ``address``; False when it was already suppressed."""
    address = address.strip().lower()
    if not address or await SuppressedAddress.filter(address=address).exists():
        return False
    try:
        await SuppressedAddress.create(address=address, reason=cut(SuppressedAddress, "reason", reason, []))
    except IntegrityError:  # suppressed by another worker meanwhile
        return False
    return True


async def suppressed(addresses: Iterable[str]) -> set[str]:
    """Those of ``addresses`` (lower-cased) that are suppressed."""
    wanted = {address.strip().lower() for address in addresses}
    if not wanted:
        return set()
    found = await SuppressedAddress.filter(address__in=wanted).values_list("address", flat=True)
    return {str(address) for address in found}


async def unsuppress(address: str) -> bool:
    """Mail ``address`` again; False when it was not suppressed."""
    return await SuppressedAddress.filter(address=address.strip().lower()).delete() > 0


async def suppression_of(address: str) -> SuppressedAddress | None:
    return await SuppressedAddress.get_or_none(address=address.strip().lower())
