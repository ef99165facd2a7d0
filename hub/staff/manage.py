"""What an admin does to staff accounts, from the admin pages and the CLI alike. All audited."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from hub.config import Settings
from hub.staff import accounts, availability, onboarding, twofactor
from hub.staff.accounts import AccountError
from hub.staff.models import StaffSession, StaffUser
from hub.staff.policy import two_factor_required
from hub.staff.sessions import end_session, end_user_sessions, open_sessions, user_session


@dataclass(frozen=True)
class StaffRow:
    user: StaffUser
    sessions: int


async def staff_rows() -> list[StaffRow]:
    users = await StaffUser.all().order_by("-is_active", "email")
    user_ids = await StaffSession.filter(ended_at=None).values_list("user_id", flat=True)
    open_counts: Counter[int] = Counter(int(str(user_id)) for user_id in user_ids)
    return [StaffRow(user, open_counts.get(user.id, 0)) for user in users]


@dataclass(frozen=True)
class Outcome:
    """What an action did, in words for the page, and a link to show once (CLI only)."""

    message: str
    url: str = ""


Action = Callable[[Settings, StaffUser | None, StaffUser, list[str]], Awaitable[Outcome]]


async def _roles(_s: Settings, actor: StaffUser | None, user: StaffUser, roles: list[str]) -> Outcome:
    changed = await accounts.change_roles(actor, user, roles)
    return Outcome(f"Roles are now: {user.roles}." if changed else "The roles were already so.")


async def _deactivate(_s: Settings, actor: StaffUser | None, user: StaffUser, _r: list[str]) -> Outcome:
    await accounts.deactivate(actor, user)
    return Outcome(f"{user.email} is deactivated and signed out everywhere.")


async def _reactivate(_s: Settings, actor: StaffUser | None, user: StaffUser, _r: list[str]) -> Outcome:
    await accounts.reactivate(actor, user)
    return Outcome(f"{user.email} can sign in again.")


async def _reset(settings: Settings, actor: StaffUser | None, user: StaffUser, _r: list[str]) -> Outcome:
    url = await onboarding.reset_password(settings, actor, user)
    return Outcome(f"{user.email} is signed out; a link to choose a new password was mailed.", url)


async def _resend(settings: Settings, actor: StaffUser | None, user: StaffUser, _r: list[str]) -> Outcome:
    url = await onboarding.resend_invite(settings, actor, user)
    return Outcome(f"A new invitation was mailed to {user.email}.", url)


async def _two_factor_off(_s: Settings, actor: StaffUser | None, user: StaffUser, _r: list[str]) -> Outcome:
    if actor is None or not user.has_two_factor:
        raise AccountError("user", "has no two-factor sign-in to turn off")
    await twofactor.disable(actor, user, await two_factor_required())
    return Outcome(f"Two-factor sign-in is off for {user.email}; they can enrol again.")


async def _end_sessions(_s: Settings, actor: StaffUser | None, user: StaffUser, _r: list[str]) -> Outcome:
    ended = await end_user_sessions(user, "ended by admin")
    await accounts.audit(actor, "staff.sessions_ended", "staff", user.id, count=ended)
    return Outcome(f"{ended} session(s) of {user.email} ended.")


async def _away(_s: Settings, actor: StaffUser | None, user: StaffUser, _r: list[str]) -> Outcome:
    if not await availability.set_away(actor, user, True):
        return Outcome(f"{user.display_name} was already away.")
    return Outcome(f"{user.display_name} is away: new cases pass them by and theirs are given on.")


async def _available(_s: Settings, actor: StaffUser | None, user: StaffUser, _r: list[str]) -> Outcome:
    if not await availability.set_away(actor, user, False):
        return Outcome(f"{user.display_name} was already available.")
    return Outcome(f"{user.display_name} is available for new cases.")


ACTIONS: dict[str, Action] = {
    "roles": _roles,
    "deactivate": _deactivate,
    "reactivate": _reactivate,
    "reset-password": _reset,
    "resend-invite": _resend,
    "two-factor-off": _two_factor_off,
    "end-sessions": _end_sessions,
    "away": _away,
    "available": _available,
}


async def run_action(
    settings: Settings, actor: StaffUser | None, user: StaffUser, action: str, roles: list[str] | None = None
) -> Outcome:
    """Do ``action`` (a key of ``ACTIONS``) to ``user``; ``AccountError`` says why not."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise AccountError("action", f"use one of {', '.join(ACTIONS)}")
    return await handler(settings, actor, user, roles or [])


async def end_one_session(actor: StaffUser | None, user: StaffUser, session_id: int) -> StaffSession:
    session = await user_session(user.id, session_id)
    if session is None:
        raise AccountError("session", "this user has no such session")
    if await end_session(session, "ended by admin"):
        await accounts.audit(actor, "staff.session_ended", "staff", user.id, session=session.id)
        await session.refresh_from_db()
    return session


__all__ = ["ACTIONS", "Outcome", "StaffRow", "end_one_session", "open_sessions", "run_action", "staff_rows"]
