"""Staff invitations and password resets: a mailed, expiring, single-use link.

Both use the hub's one link-token service (hub.links) with their own single-use
purposes and lifetimes; the link opens a form where the person sets a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hub.config import Settings
from hub.links.models import LinkPurpose, LinkToken
from hub.links.tokens import (
    LinkError,
    LinkUnknown,
    issue_token,
    lifetime,
    resolve_token,
    revoke_links,
    use_token,
)
from hub.mail.outbox import enqueue
from hub.staff.accounts import AccountError, audit, checked_password_hash, create_invited
from hub.staff.models import StaffUser
from hub.staff.sessions import end_user_sessions
from hub.urls import external_url

SUBJECT_TYPE = "staff"


@dataclass(frozen=True)
class StaffLink:
    purpose: LinkPurpose
    route: str
    template: str


INVITE = StaffLink(LinkPurpose.STAFF_INVITE, "staff_welcome", "staff_invite")
RESET = StaffLink(LinkPurpose.PASSWORD_RESET, "staff_reset", "staff_password_reset")


async def _revoke_links(user: StaffUser) -> None:
    for link in (INVITE, RESET):
        await revoke_links(link.purpose, subject_type=SUBJECT_TYPE, subject_id=user.id)


async def _mail_link(settings: Settings, link: StaffLink, user: StaffUser, actor: StaffUser | None) -> str:
    """Replace the user's earlier links with a new one, queue its mail; the URL, once."""
    await _revoke_links(user)
    raw = await issue_token(link.purpose, subject_type=SUBJECT_TYPE, subject_id=user.id)
    url = external_url(settings, link.route, token=raw)
    await enqueue(
        settings,
        kind=link.template,
        template=link.template,
        to=user.email,
        context={
            "name": user.display_name,
            "inviter": actor.display_name if actor else settings.brand_name,
            "url": url,
            "hours": int(lifetime(link.purpose).total_seconds() // 3600),
        },
    )
    return url


async def invite_staff(
    settings: Settings, actor: StaffUser | None, email: str, roles: list[str] | str, name: str = ""
) -> tuple[StaffUser, str]:
    """Create an account without a password and mail its invite link. Audited."""
    user = await create_invited(email, roles, name)
    url = await _mail_link(settings, INVITE, user, actor)
    await audit(actor, "staff.invited", "staff", user.id, email=user.email, roles=user.roles)
    return user, url


async def resend_invite(settings: Settings, actor: StaffUser | None, user: StaffUser) -> str:
    if user.has_password:
        raise AccountError("user", "has already joined; reset the password instead")
    url = await _mail_link(settings, INVITE, user, actor)
    await audit(actor, "staff.invite_resent", "staff", user.id)
    return url


async def reset_password(settings: Settings, actor: StaffUser | None, user: StaffUser) -> str:
    """Clear the password, end every session and mail a link to choose a new one. Audited."""
    if not user.is_active:
        raise AccountError("user", "is deactivated; reactivate the account first")
    user.password_hash = ""
    await user.save(update_fields=["password_hash"])
    ended = await end_user_sessions(user, "password reset")
    url = await _mail_link(settings, RESET, user, actor)
    await audit(actor, "staff.password_reset", "staff", user.id, sessions_ended=ended)
    return url


async def _user(token: LinkToken) -> StaffUser:
    if token.subject_type != SUBJECT_TYPE or token.subject_id is None:
        raise LinkUnknown
    user = await StaffUser.get_or_none(id=token.subject_id, is_active=True)
    if user is None:
        raise LinkUnknown
    return user


async def open_staff_link(link: StaffLink, raw: str, now: datetime | None = None) -> StaffUser:
    """The active user a live, unused link is for; ``LinkError`` otherwise."""
    return await _user(await resolve_token(raw, link.purpose, now=now))


async def set_password_from_link(
    link: StaffLink, raw: str, password: str, confirm: str, now: datetime | None = None
) -> StaffUser:
    """Set the password the link's user chose; the link then stops working. Audited."""
    now = now or datetime.now(UTC)
    user = await _user(await resolve_token(raw, link.purpose, now=now))
    if password != confirm:
        raise AccountError("confirm", "the two passwords differ")
    password_hash = checked_password_hash(password, user.email)
    await use_token(raw, link.purpose, now=now)
    user.password_hash = password_hash
    await user.save(update_fields=["password_hash"])
    await end_user_sessions(user, "password set")
    await audit(user, "staff.password_set", "staff", user.id, via=link.purpose.value)
    return user


__all__ = [
    "INVITE",
    "RESET",
    "LinkError",
    "StaffLink",
    "invite_staff",
    "open_staff_link",
    "reset_password",
    "set_password_from_link",
]
