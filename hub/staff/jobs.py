"""Worker job of the staff domain: forget old sign-in records."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q

from hub.config import Settings
from hub.staff.lockout import FORGET_AFTER
from hub.staff.models import LoginFailure, StaffSession
from hub.staff.sessions import IDLE_LIMIT

# Ended sessions stay listed this long (the audit log keeps the sign-ins for good).
KEEP_ENDED = timedelta(days=30)


async def prune_sign_in_records(settings: Settings, now: datetime) -> int:
    """End idle sessions, delete long-ended ones and failures nobody remembers any more."""
    idle = await StaffSession.filter(ended_at=None, last_seen_at__lt=now - IDLE_LIMIT).update(
        ended_at=now, end_reason="idle"
    )
    old = await StaffSession.filter(ended_at__lt=now - KEEP_ENDED).delete()
    unlocked = Q(locked_until=None) | Q(locked_until__lte=now)  # not exclude(): NULL would stay
    stale = LoginFailure.filter(unlocked, last_failed_at__lt=now - FORGET_AFTER)
    return idle + old + await stale.delete()
