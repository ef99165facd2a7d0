"""Links mailed before migration 0011, which were signatures rather than stored tokens.

Profile and unsubscribe links used to be an HMAC signature of the customer id
(itsdangerous, salts "profile" and "unsubscribe") that never expired. Nothing of them
was stored, so no migration can carry them over; they are honoured, read-only, until
``LEGACY_CUTOFF``, a year after the change. Nothing issues them any more: delete this
module after that date.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from itsdangerous import BadSignature, URLSafeSerializer

from hub.config import Settings

LEGACY_CUTOFF = datetime(2027, 12, 2, tzinfo=UTC)
LegacySalt = Literal["profile", "unsubscribe"]


def legacy_signed_customer_id(
    settings: Settings, raw: str, salt: LegacySalt, now: datetime | None = None
) -> int | None:
    """The customer id an old signed link names, until the cutoff; None otherwise."""
    if (now or datetime.now(UTC)) >= LEGACY_CUTOFF:
        return None
    try:
        value = URLSafeSerializer(settings.secret_key, salt=salt).loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
