"""Issue, check, use and revoke link tokens: a random token in the URL, its SHA-256 hash in the database.

Every mailed link (review, survey, follow-up, answer, photo share, profile, unsubscribe,
asker confirmation, staff invite and password reset) is one ``LinkToken`` row with a
purpose from ``POLICIES``: the one table of how long each kind of link lives and whether
it opens once. A token of one purpose never opens a page of another.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.models import Model

from hub.links.models import LinkPurpose, LinkToken

MAX_TOKEN_LENGTH = 128


@dataclass(frozen=True, slots=True)
class LinkPolicy:
    lifetime: timedelta
    single_use: bool = False


POLICIES: dict[LinkPurpose, LinkPolicy] = {
    # Review invitations live as long as the shop's HUB_INVITE_EXPIRY_DAYS (passed as ``ttl``).
    LinkPurpose.REVIEW: LinkPolicy(timedelta(days=90)),
    LinkPurpose.SURVEY: LinkPolicy(timedelta(days=30)),
    LinkPurpose.FOLLOW_UP: LinkPolicy(timedelta(days=30)),
    LinkPurpose.ANSWER: LinkPolicy(timedelta(days=30)),
    LinkPurpose.PHOTO_SHARE: LinkPolicy(timedelta(days=90)),
    LinkPurpose.PROFILE: LinkPolicy(timedelta(days=180)),
    # A customer unsubscribes from an old mail: at least a year.
    LinkPurpose.UNSUBSCRIBE: LinkPolicy(timedelta(days=730)),
    LinkPurpose.CONFIRM_ASKER: LinkPolicy(timedelta(days=3), single_use=True),
    LinkPurpose.STAFF_INVITE: LinkPolicy(timedelta(days=3), single_use=True),
    LinkPurpose.PASSWORD_RESET: LinkPolicy(timedelta(hours=24), single_use=True),
}


class LinkError(Exception):
    """A link that opens nothing; the message is never shown to the visitor."""


class LinkUnknown(LinkError):
    """No such token for this purpose, or it was used or revoked."""


class LinkExpired(LinkError):
    pass


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def lifetime(purpose: LinkPurpose) -> timedelta:
    return POLICIES[purpose].lifetime


async def issue_token(
    purpose: LinkPurpose,
    *,
    customer: Model | None = None,
    order: Model | None = None,
    invitation: Model | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    ttl: timedelta | None = None,
    now: datetime | None = None,
) -> str:
    """A fresh raw token (256 random bits), shown once; only its hash is stored.

    It expires after the purpose's lifetime, or ``ttl`` where a shop setting decides.
    """
    raw = secrets.token_urlsafe(32)
    await LinkToken.create(
        token_hash=token_hash(raw),
        purpose=purpose.value,
        customer=customer,
        order=order,
        invitation=invitation,
        subject_type=subject_type,
        subject_id=subject_id,
        expires_at=(now or datetime.now(UTC)) + (ttl or lifetime(purpose)),
    )
    return raw


async def resolve_token(
    raw: str, purpose: LinkPurpose, *others: LinkPurpose, now: datetime | None = None
) -> LinkToken:
    """The live token for ``raw`` of ``purpose`` (or one of ``others``).

    ``LinkExpired`` past its expiry; ``LinkUnknown`` for no such token of these purposes,
    a revoked one, or a used one of a single-use purpose.
    """
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise LinkUnknown
    token = await LinkToken.get_or_none(
        token_hash=token_hash(raw), purpose__in=[p.value for p in (purpose, *others)]
    )
    if token is None or token.revoked_at is not None:
        raise LinkUnknown
    if token.used_at is not None and POLICIES[LinkPurpose(token.purpose)].single_use:
        raise LinkUnknown
    if token.expires_at <= (now or datetime.now(UTC)):
        raise LinkExpired
    return token


async def use_token(raw: str, purpose: LinkPurpose, *, now: datetime | None = None) -> LinkToken:
    """Resolve a single-use link and mark it used, atomically: a second use is ``LinkUnknown``."""
    if not POLICIES[purpose].single_use:
        raise ValueError(f"{purpose} links are not single use")
    now = now or datetime.now(UTC)
    token = await resolve_token(raw, purpose, now=now)
    if not await LinkToken.filter(id=token.id, used_at=None, revoked_at=None).update(used_at=now):
        raise LinkUnknown  # another request used it first
    token.used_at = now
    return token


async def revoke_token(raw: str, *, now: datetime | None = None) -> bool:
    """Make one link stop working; False when there was no such live link."""
    live = LinkToken.filter(token_hash=token_hash(raw), revoked_at=None)
    return await live.update(revoked_at=now or datetime.now(UTC)) > 0


async def revoke_links(
    purpose: LinkPurpose,
    *,
    customer_id: int | None = None,
    order_id: int | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Make every link of ``purpose`` to one subject stop working; how many were live."""
    subject = {"customer_id": customer_id, "order_id": order_id, "subject_id": subject_id}
    chosen: dict[str, object] = {name: value for name, value in subject.items() if value is not None}
    if not chosen:
        raise ValueError("revoke_links needs a subject")
    if subject_type:
        chosen["subject_type"] = subject_type
    live = LinkToken.filter(purpose=purpose.value, revoked_at=None, **chosen)
    return await live.update(revoked_at=now or datetime.now(UTC))
