"""Worker jobs of the advocacy domain, each ``async def job(settings, now) -> int``."""

from hub.advocacy.auto_badges import award_badges
from hub.advocacy.backfill import rebuild_history
from hub.advocacy.birthdays import send_birthdays
from hub.advocacy.snapshots import snapshot_stages
from hub.advocacy.tiers import assign_tiers
from hub.advocacy.winback import attribute_win_backs, send_win_backs

__all__ = [
    "assign_tiers",
    "attribute_win_backs",
    "award_badges",
    "rebuild_history",
    "send_birthdays",
    "send_win_backs",
    "snapshot_stages",
]
