"""Worker jobs of the advocacy domain, each ``async def job(settings, now) -> int``."""

from hub.advocacy.backfill import rebuild_history
from hub.advocacy.snapshots import snapshot_stages
from hub.advocacy.winback import attribute_win_backs, send_win_backs

__all__ = ["attribute_win_backs", "rebuild_history", "send_win_backs", "snapshot_stages"]
