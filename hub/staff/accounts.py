"""Staff account services: create users, log in with throttling, audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.staff.models import AuditEntry, LoginFailure, Role, StaffUser
from hub.staff.passwords import hash_password, password_problem, verify_password
from hub.web.columns import column_length

FREE_ATTEMPTS = 5
BASE_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)


class AccountError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class LoginResult:
    user: StaffUser | None
    locked_for: timedelta | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def parse_roles(roles: list[str] | str) -> str:
    names = roles.split() if isinstance(roles, str) else roles
    valid = {role.value for role in Role}
    bad = [name for name in names if name not in valid]
    if bad or not names:
        raise AccountError("role", f"use one or more of {', '.join(sorted(valid))}")
    return " ".join(dict.fromkeys(names))


async def create_staff(email: str, password: str, roles: list[str] | str, name: str = "") -> StaffUser:
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError("email", "is not an email address")
    if problem := password_problem(password):
        raise AccountError("password", problem)
    role_text = parse_roles(roles)
    if await StaffUser.filter(email=email).exists():
        raise AccountError("email", "a staff user with this email already exists")
    return await StaffUser.create(
        email=email, name=name, password_hash=hash_password(password), roles=role_text
    )


def _lock_time(count: int) -> timedelta | None:
    if count < FREE_ATTEMPTS:
        return None
    return min(BASE_LOCK * 2 ** (count - FREE_ATTEMPTS), MAX_LOCK)


async def _locked_for(keys: list[str], now: datetime) -> timedelta | None:
    failures = await LoginFailure.filter(key__in=keys, locked_until__gt=now)
    if not failures:
        return None
    return max(failure.locked_until - now for failure in failures if failure.locked_until)


async def _record_failure(key: str, now: datetime) -> None:
    failure, _ = await LoginFailure.get_or_create(key=key, defaults={"last_failed_at": now})
    failure.count += 1
    failure.last_failed_at = now
    lock = _lock_time(failure.count)
    failure.locked_until = now + lock if lock else None
    await failure.save()


async def log_in(email: str, password: str, ip: str, now: datetime | None = None) -> LoginResult:
    """Check a login; repeated failures per email and per address lock it for a growing time."""
    now = now or datetime.now(UTC)
    email = normalise_email(email)
    keys = [key[: column_length(LoginFailure, "key")] for key in (f"email:{email}", f"ip:{ip}")]
    if locked := await _locked_for(keys, now):
        return LoginResult(None, locked)
    user = await StaffUser.get_or_none(email=email, is_active=True)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        for key in keys:
            await _record_failure(key, now)
        return LoginResult(None, await _locked_for(keys, now))
    await LoginFailure.filter(key__in=keys).delete()
    user.last_login_at = now
    await user.save(update_fields=["last_login_at"])
    return LoginResult(user)


async def end_sessions(user: StaffUser) -> None:
    """Invalidate every session of ``user`` (logout, password change)."""
    user.session_version += 1
    await user.save(update_fields=["session_version"])


async def audit(actor: StaffUser | None, action: str, target_type: str = "",
                target_id: object = "", **detail: Any) -> AuditEntry:
    return await AuditEntry.create(
        actor=actor,
        actor_label=actor.email if actor else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail,
    )
