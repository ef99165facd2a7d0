from __future__ import annotations

from datetime import UTC, datetime

from hub.config import Settings
from hub.staff.jobs import KEEP_ENDED, prune_sign_in_records
from hub.staff.lockout import FORGET_AFTER, record_failure
from hub.staff.models import LoginFailure, StaffSession, StaffUser
from hub.staff.sessions import IDLE_LIMIT, find_session, open_session


async def test_it_ends_idle_sessions_and_forgets_old_records(settings: Settings, bob: StaffUser) -> None:
    now = datetime.now(UTC)
    idle_key = await open_session(bob, "198.51.100.70", "Firefox", now=now - IDLE_LIMIT * 2)
    live_key = await open_session(bob, "198.51.100.71", "Safari", now=now)
    await open_session(bob, "198.51.100.72", "Old", now=now - KEEP_ENDED * 2)
    await StaffSession.filter(ip="198.51.100.72").update(ended_at=now - KEEP_ENDED * 2)
    await record_failure(bob.email, "203.0.113.70", now - FORGET_AFTER * 2)
    await record_failure(bob.email, "203.0.113.71", now)
    assert await prune_sign_in_records(settings, now) == 1 + 1 + 2
    assert await find_session(idle_key, now) is None
    assert await find_session(live_key, now) is not None
    assert not await StaffSession.filter(ip="198.51.100.72").exists()
    assert await LoginFailure.filter(key="ip:203.0.113.71").exists()
    assert not await LoginFailure.filter(key="ip:203.0.113.70").exists()
