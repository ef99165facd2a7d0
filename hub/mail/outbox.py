"""Putting mail into the outbox: render a template triplet, add the headers, store one row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer
from hub.config import Settings
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.mail.models import MessageStatus, OutboxMessage
from hub.mail.suppression import SUPPRESSED_ERROR, suppressed
from hub.queue import RETRY, Queue
from hub.templating import templates
from hub.urls import external_url
from hub.web.columns import cut


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_mail(template: str, context: dict[str, Any]) -> RenderedMail:
    """Render ``emails/<template>.subject.txt``, ``.txt`` and ``.html``."""
    env = templates.env

    def one(suffix: str) -> str:
        return env.get_template(f"emails/{template}{suffix}").render(context)

    return RenderedMail(" ".join(one(".subject.txt").split()), one(".txt"), one(".html"))


def mail_context(settings: Settings, context: dict[str, Any]) -> dict[str, Any]:
    """What every mail template sees: the brand, the settings, and the mail's own ``context``."""
    return {"brand_name": settings.brand_name, "settings": settings, **context}


def _mail_domain(settings: Settings) -> str:
    return settings.mail_from.rsplit("@", 1)[-1] or "feedback-hub.local"


def _headers(unsubscribe: str, reply_to: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if reply_to:
        headers["Reply-To"] = reply_to
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


async def unsubscribe_url(settings: Settings, customer: Customer) -> str:
    """A fresh link to unsubscribe and choose mail kinds; it outlives the mail by years."""
    return (await customer_links(settings, customer))[0]


async def customer_links(settings: Settings, customer: Customer) -> tuple[str, str]:
    """The customer's mail preferences and points pages, on one fresh link token."""
    raw = await issue_token(LinkPurpose.UNSUBSCRIBE, customer=customer)
    return external_url(settings, "unsubscribe", token=raw), external_url(settings, "points_page", token=raw)


async def enqueue(
    settings: Settings,
    *,
    kind: str,
    template: str,
    context: dict[str, Any],
    to: str,
    customer: Customer | None = None,
    dedupe_key: str | None = None,
    reply_to: str | None = None,
    send_at: datetime | None = None,
) -> OutboxMessage | None:
    """Queue one mail. With a ``dedupe_key`` already used, nothing is queued and None returned.

    Mail to a customer carries their unsubscribe link in the body
    (``unsubscribe_url`` in the context, ``points_url`` their points page) and in the
    List-Unsubscribe headers.
    """
    if dedupe_key and await OutboxMessage.filter(dedupe_key=dedupe_key).exists():
        return None
    context = mail_context(settings, context)
    unsubscribe, points = await customer_links(settings, customer) if customer is not None else ("", "")
    if unsubscribe:
        context.setdefault("unsubscribe_url", unsubscribe)
        context.setdefault("points_url", points)
    mail = render_mail(template, context)
    try:
        return await OutboxMessage.create(
            kind=kind,
            dedupe_key=dedupe_key,
            to_address=to,
            customer=customer,
            subject=cut(OutboxMessage, "subject", mail.subject, []),
            text_body=mail.text,
            html_body=mail.html,
            headers=_headers(unsubscribe, reply_to),
            message_id=make_msgid(domain=_mail_domain(settings)),
            next_attempt_at=send_at or datetime.now(UTC),
        )
    except IntegrityError:
        if dedupe_key:  # a concurrent worker queued the same mail first
            return None
        raise


# Delivery state: claiming due rows (one ``hub.queue.Queue``) and recording what became of them.

STALE_CLAIM = timedelta(minutes=15)
# A claim whose delivery never started is safe to queue again: its worker re-checks the
# claim before it starts, so a slow but living worker cannot send it twice.
STALE_UNSTARTED = timedelta(minutes=5)
STALE_ERROR = "unknown: worker stopped during delivery"
PAGE_SIZE = 50
MAX_ATTEMPTS = RETRY.max_attempts

OUTBOX: Queue[OutboxMessage] = Queue(
    name="mail",
    model=OutboxMessage,
    due=lambda now: Q(status=MessageStatus.QUEUED, next_attempt_at__lte=now),
    order_by=("next_attempt_at", "id"),
    lease=STALE_UNSTARTED,
    claimed={"status": MessageStatus.SENDING},
    released={"status": MessageStatus.QUEUED},
    given_up={"status": MessageStatus.FAILED},
    started="delivery_started_at",
    started_lease=STALE_CLAIM,
)


async def claim_due(worker_id: str, now: datetime, limit: int) -> list[OutboxMessage]:
    """Mark up to ``limit`` due rows as ``sending`` for ``worker_id`` and return them."""
    return await OUTBOX.claim(worker_id, now, limit)


async def cancel_suppressed(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Cancel the claimed rows to suppressed addresses (a hard bounce); the others, to send."""
    blocked = await suppressed(message.to_address for message in messages)
    if not blocked:
        return messages
    cancelled = [m.id for m in messages if m.to_address.strip().lower() in blocked]
    await OutboxMessage.filter(id__in=cancelled).update(
        status=MessageStatus.CANCELLED, claimed_by=None, claimed_at=None, last_error=SUPPRESSED_ERROR
    )
    return [m for m in messages if m.id not in set(cancelled)]


async def release(messages: list[OutboxMessage]) -> None:
    """Give claimed rows that were never attempted back to the queue (the caller knows)."""
    await OUTBOX.release(messages)


async def mark_sent(settings: Settings, message: OutboxMessage, now: datetime) -> None:
    await mark_all_sent(settings, [message], now)


async def mark_all_sent(settings: Settings, messages: list[OutboxMessage], now: datetime) -> None:
    """Record sent rows, each keeping only a masked copy of its links; one commit for all."""
    if not messages:
        return
    async with in_transaction():  # far cheaper than a commit per message
        for message in messages:
            message.mask_links(settings.base_url)
            await OutboxMessage.filter(id=message.id).update(
                status=MessageStatus.SENT,
                sent_at=now,
                attempts=F("attempts") + 1,
                last_error="",
                text_body=message.text_body,
                html_body=message.html_body,
                headers=message.headers,
            )


async def mark_failed(message: OutboxMessage, error: str) -> None:
    await OUTBOX.give_up(message, error)


async def mark_for_retry(message: OutboxMessage, now: datetime, error: str) -> None:
    """Queue again after a back-off, or fail once ``MAX_ATTEMPTS`` were used."""
    await OUTBOX.retry_later(message, now, error)


async def start_delivery(messages: list[OutboxMessage], worker_id: str, now: datetime) -> list[OutboxMessage]:
    """Mark ``messages`` as being delivered, if this worker still holds them; those it does."""
    return await OUTBOX.start(messages, worker_id, now)


async def recover_stale_claims(now: datetime) -> tuple[int, int]:
    """Rows a stopped worker left in ``sending``: (queued again, failed as unknown).

    Never attempted: safe to queue again. Attempted: the server may have taken the
    message, so it is failed for a human to retry (at most once, never twice).
    """
    recovered = await OUTBOX.recover(now, STALE_ERROR)
    return recovered.released, recovered.given_up


async def retry_failed(message_id: int, now: datetime) -> bool:
    """An admin's retry: queue a failed message again with fresh attempts."""
    updated = await OutboxMessage.filter(id=message_id, status=MessageStatus.FAILED).update(
        status=MessageStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
        claimed_by=None,
        claimed_at=None,
    )
    return updated > 0


@dataclass(frozen=True)
class OutboxPage:
    messages: list[OutboxMessage]
    page: int
    has_next: bool


async def list_messages(status: str | None, page: int) -> OutboxPage:
    """Newest first, ``PAGE_SIZE`` a page, optionally only one status."""
    query = OutboxMessage.all()
    if status:
        query = query.filter(status=status)
    page = max(page, 1)
    rows = await query.order_by("-created_at", "-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    return OutboxPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)
