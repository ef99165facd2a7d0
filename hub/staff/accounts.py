"""Staff account services: create, sign in (with lockout), roles, deactivation, audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.staff import lockout
from hub.staff.models import AuditEntry, Role, StaffUser
from hub.staff.passwords import hash_password, password_problem, verify_password
from hub.staff.sessions import end_user_sessions


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


def check_email(email: str) -> str:
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(ch.isspace() for ch in email):
        raise AccountError("email", "is not an email address")
    return email


def checked_password_hash(password: str, email: str) -> str:
    if problem := password_problem(password, email):
        raise AccountError("password", problem)
    return hash_password(password)


async def _new_staff(email: str, roles: list[str] | str, name: str) -> tuple[str, str, str]:
    email = check_email(email)
    role_text = parse_roles(roles)
    if len(name) > 120:
        raise AccountError("name", "use at most 120 characters")
    if await StaffUser.filter(email=email).exists():
        raise AccountError("email", "a staff user with this email already exists")
    return email, role_text, name.strip()


async def create_staff(email: str, password: str, roles: list[str] | str, name: str = "") -> StaffUser:
    email, role_text, name = await _new_staff(email, roles, name)
    password_hash = checked_password_hash(password, email)
    return await StaffUser.create(email=email, name=name, password_hash=password_hash, roles=role_text)


async def create_invited(email: str, roles: list[str] | str, name: str = "") -> StaffUser:
    """A staff user without a password yet: they choose one from the invite link."""
    email, role_text, name = await _new_staff(email, roles, name)
    return await StaffUser.create(
        email=email, name=name, password_hash="", roles=role_text, invited_at=datetime.now(UTC)
    )


async def check_password(email: str, password: str, ip: str, now: datetime | None = None) -> LoginResult:
    """The first step of sign-in; repeated failures lock this account from this address."""
    now = now or datetime.now(UTC)
    email = normalise_email(email)[:254]
    if locked := await lockout.locked_for(email, ip, now):
        return LoginResult(None, locked)
    user = await StaffUser.get_or_none(email=email, is_active=True)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return LoginResult(None, await lockout.record_failure(email, ip, now))
    return LoginResult(user)


async def signed_in(user: StaffUser, ip: str, method: str, now: datetime | None = None) -> None:
    """Record a completed sign-in (password, and the second factor when it has one)."""
    now = now or datetime.now(UTC)
    await lockout.clear(user.email, ip)
    user.last_login_at = now
    await user.save(update_fields=["last_login_at"])
    await audit(user, "staff.login", "staff", user.id, method=method)


async def staff_member(user_id: int) -> StaffUser | None:
    return await StaffUser.get_or_none(id=user_id)


async def staff_by_email(email: str) -> StaffUser:
    user = await StaffUser.get_or_none(email=normalise_email(email))
    if user is None:
        raise AccountError("email", "no staff user has this email")
    return user


async def _other_active_admins(user: StaffUser) -> bool:
    admins = StaffUser.filter(is_active=True, roles__contains=Role.ADMIN.value).exclude(id=user.id)
    return await admins.exists()


async def change_roles(actor: StaffUser | None, user: StaffUser, roles: list[str] | str) -> bool:
    """Give ``user`` these roles; False when nothing changed. The last admin stays one."""
    role_text = parse_roles(roles)
    if role_text == user.roles:
        return False
    losing_admin = user.has_role(Role.ADMIN) and Role.ADMIN not in role_text.split()
    if losing_admin and not await _other_active_admins(user):
        raise AccountError("role", "the hub needs at least one active admin")
    before, user.roles = user.roles, role_text
    await user.save(update_fields=["roles"])
    await audit(actor, "staff.roles_changed", "staff", user.id, before=before, after=role_text)
    return True


async def deactivate(actor: StaffUser | None, user: StaffUser) -> None:
    """Stop ``user`` signing in and end their sessions; the last active admin stays."""
    if not user.is_active:
        return
    if user.has_role(Role.ADMIN) and not await _other_active_admins(user):
        raise AccountError("user", "the hub needs at least one active admin")
    user.is_active = False
    await user.save(update_fields=["is_active"])
    ended = await end_user_sessions(user, "deactivated")
    await audit(actor, "staff.deactivated", "staff", user.id, sessions_ended=ended)


async def reactivate(actor: StaffUser | None, user: StaffUser) -> None:
    if user.is_active:
        return
    user.is_active = True
    await user.save(update_fields=["is_active"])
    await audit(actor, "staff.reactivated", "staff", user.id)


async def audit(
    actor: StaffUser | None, action: str, target_type: str = "", target_id: object = "", **detail: Any
) -> AuditEntry:
    return await AuditEntry.create(
        actor=actor,
        actor_label=actor.email if actor else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail,
    )
