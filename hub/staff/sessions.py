"""Server-side staff sessions: listable, endable, checked on every staff request.

The signed session cookie carries a random key; ``StaffSession`` keeps its hash,
who it belongs to, where it came from and whether it has ended. Ending a session,
deactivating its user or resetting their password stops it on the next request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from hub.staff.models import StaffSession, StaffUser

IDLE_LIMIT = timedelta(hours=12)
# last_seen_at is written at most this often, so that most requests only read.
SEEN_EVERY = timedelta(minutes=1)
USER_AGENT_LENGTH = 120


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def agent_summary(user_agent: str) -> str:
    """The user agent, cut to fit and stripped of control characters."""
    printable = "".join(ch for ch in user_agent if ch.isprintable())
    return printable[:USER_AGENT_LENGTH]


async def open_session(
    user: StaffUser, ip: str, user_agent: str, needs_two_factor: bool = False, now: datetime | None = None
) -> str:
    """A new session for ``user``; the raw key (for the cookie) is returned once."""
    key = secrets.token_urlsafe(32)
    await StaffSession.create(
        key_hash=_hash(key),
        user=user,
        last_seen_at=now or datetime.now(UTC),
        ip=ip[:64],
        user_agent=agent_summary(user_agent),
        needs_two_factor=needs_two_factor,
    )
    return key


async def find_session(key: str, now: datetime | None = None) -> StaffSession | None:
    """The live session for ``key`` with its active user loaded, or None."""
    if not key or len(key) > 128:
        return None
    now = now or datetime.now(UTC)
    session = await StaffSession.get_or_none(
        key_hash=_hash(key), ended_at=None, user__is_active=True
    ).select_related("user")
    if session is None:
        return None
    if now - session.last_seen_at > IDLE_LIMIT:
        await end_session(session, "idle", now)
        return None
    if now - session.last_seen_at > SEEN_EVERY:
        session.last_seen_at = now
        await StaffSession.filter(id=session.id).update(last_seen_at=now)
    return session


async def end_session(session: StaffSession, reason: str, now: datetime | None = None) -> bool:
    """End one session; False when it had already ended."""
    updated = await StaffSession.filter(id=session.id, ended_at=None).update(
        ended_at=now or datetime.now(UTC), end_reason=reason[:32]
    )
    return updated == 1


async def end_user_sessions(user: StaffUser, reason: str, now: datetime | None = None) -> int:
    """End every open session of ``user``; how many there were."""
    return await StaffSession.filter(user_id=user.id, ended_at=None).update(
        ended_at=now or datetime.now(UTC), end_reason=reason[:32]
    )


async def open_sessions(user: StaffUser, now: datetime | None = None) -> list[StaffSession]:
    """The sessions of ``user`` that would still let them in, most recent first."""
    recent = (now or datetime.now(UTC)) - IDLE_LIMIT
    return await StaffSession.filter(user_id=user.id, ended_at=None, last_seen_at__gt=recent).order_by(
        "-last_seen_at"
    )


async def user_session(user_id: int, session_id: int) -> StaffSession | None:
    return await StaffSession.get_or_none(id=session_id, user_id=user_id)
