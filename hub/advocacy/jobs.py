"""Worker jobs of the advocacy domain, each ``async def job(settings, now) -> int``."""

from hub.advocacy.backfill import rebuild_history
from hub.advocacy.copurchase import rebuild_co_purchases
from hub.advocacy.referral_rewards import reward_matured_referrals
from hub.advocacy.snapshots import snapshot_stages
from hub.advocacy.winback import attribute_win_backs, send_win_backs

__all__ = [
    "attribute_win_backs",
    "rebuild_co_purchases",
    "rebuild_history",
    "reward_matured_referrals",
    "send_win_backs",
    "snapshot_stages",
]
