"""Worker jobs of the advocacy domain, each ``async def job(settings, now) -> int``."""

from hub.advocacy.auto_badges import award_badges
from hub.advocacy.backfill import rebuild_history
from hub.advocacy.birthdays import send_birthdays
from hub.advocacy.copurchase import rebuild_co_purchases
from hub.advocacy.expiry import expire_points, remind_points_expiry
from hub.advocacy.points import mature_points
from hub.advocacy.referral_rewards import reward_matured_referrals
from hub.advocacy.snapshots import snapshot_stages
from hub.advocacy.tiers import assign_tiers
from hub.advocacy.winback import attribute_win_backs, send_win_backs

__all__ = [
    "assign_tiers",
    "attribute_win_backs",
    "award_badges",
    "expire_points",
    "mature_points",
    "rebuild_co_purchases",
    "rebuild_history",
    "remind_points_expiry",
    "reward_matured_referrals",
    "send_birthdays",
    "send_win_backs",
    "snapshot_stages",
]
