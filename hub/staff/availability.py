"""Agents mark themselves away (or an admin does), and belong to groups that assignment rules name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hub.staff.accounts import AccountError, audit
from hub.staff.models import StaffUser

GROUP = re.compile(r"[a-z0-9][a-z0-9_-]{0,23}")
MAX_GROUPS = 8


async def set_away(actor: StaffUser | None, user: StaffUser, away: bool, now: datetime | None = None) -> bool:
    """Mark ``user`` away or back; False when they already were. The worker gives their cases on."""
    if user.is_away == away:
        return False
    user.away_since = (now or datetime.now(UTC)) if away else None
    await StaffUser.filter(id=user.id).update(away_since=user.away_since)
    await audit(actor, "staff.away" if away else "staff.available", "staff", user.id)
    return True


def parse_groups(text: str) -> list[str]:
    """Group names from ``text`` (spaces or commas between), lower case, each at most 24 characters."""
    names = sorted({name for name in re.split(r"[\s,]+", text.strip().lower()) if name})
    for name in names:
        if not GROUP.fullmatch(name):
            rule = "use up to 24 of a-z, 0-9, - and _"
            raise AccountError("groups", f"{name[:40]!r} is not a group name: {rule}")
    if len(names) > MAX_GROUPS:
        raise AccountError("groups", f"an agent may be in at most {MAX_GROUPS} groups")
    return names


async def set_groups(actor: StaffUser | None, user: StaffUser, text: str) -> list[str]:
    names = parse_groups(text)
    if names != sorted(user.group_set):
        user.groups = " ".join(names)
        await StaffUser.filter(id=user.id).update(groups=user.groups)
        await audit(actor, "staff.groups", "staff", user.id, groups=names)
    return names
