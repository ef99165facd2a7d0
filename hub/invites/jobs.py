"""Worker jobs: due review requests and reminders into the outbox, stale links expired.

Each invitation is claimed through ``hub.queue`` before it is rendered, so several
workers can run these jobs at once and never mail the same row twice; a claim left
by a stopped worker is released after the lease, and a failed try is retried after
a back-off (a request that keeps failing ends ``failed``; a reminder is dropped).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.config import Settings
from hub.invites.links import review_url
from hub.invites.models import Invitation, InvitationStatus
from hub.invites.scheduling import may_invite, products_to_ask_about
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from hub.mail.caps import next_free_slot
from hub.mail.outbox import enqueue
from hub.queue import WORKER_ID, Queue

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH_SIZE = 200
Step = Callable[[Settings, Invitation, datetime], Awaitable[None]]


def _retry_due(now: datetime) -> Q:
    return Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)


REQUESTS: Queue[Invitation] = Queue(
    name="invitation",
    model=Invitation,
    due=lambda now: Q(status=InvitationStatus.SCHEDULED.value, send_at__lte=now) & _retry_due(now),
    order_by=("send_at", "id"),
    lease=CLAIM_TIMEOUT,
    given_up={"status": InvitationStatus.FAILED.value},
)
REMINDERS: Queue[Invitation] = Queue(
    name="reminder",
    model=Invitation,
    due=lambda now: (
        Q(status=InvitationStatus.SENT.value, remind_at__lte=now, reminded_at=None) & _retry_due(now)
    ),
    order_by=("remind_at", "id"),
    lease=CLAIM_TIMEOUT,
    given_up={"remind_at": None},
)


async def send_due_invitations(settings: Settings, now: datetime, worker_id: str = WORKER_ID) -> int:
    """Queue the review request of every due invitation; the number handled."""
    return await _run(REQUESTS, settings, now, worker_id, _send_request)


async def send_due_reminders(settings: Settings, now: datetime, worker_id: str = WORKER_ID) -> int:
    """Expire dead invitations, then queue the one reminder of each due one."""
    await expire_invitations(now)
    return await _run(REMINDERS, settings, now, worker_id, _send_reminder)


async def expire_invitations(now: datetime) -> int:
    waiting = [InvitationStatus.SCHEDULED.value, InvitationStatus.SENT.value, InvitationStatus.REMINDED.value]
    return await Invitation.filter(status__in=waiting, expires_at__lte=now).update(
        status=InvitationStatus.EXPIRED.value
    )


async def _run(
    queue: Queue[Invitation], settings: Settings, now: datetime, worker_id: str, step: Step
) -> int:
    async def handle(invitation: Invitation) -> int:
        await invitation.fetch_related("order", "customer")
        await step(settings, invitation, now)
        return 1

    return await queue.work(worker_id, now, BATCH_SIZE, handle)


async def _release(invitation: Invitation, **changes: Any) -> None:
    """End this worker's claim with ``changes``; the next step starts with fresh tries."""
    if not await REQUESTS.finish(
        invitation, invitation.claimed_by, attempts=0, next_attempt_at=None, **changes
    ):
        raise ClaimLostError(f"invitation {invitation.id} was claimed by another worker")


class ClaimLostError(RuntimeError):
    """The lease ran out and another worker took the row: this one's work is rolled back."""


async def _products_left(invitation: Invitation) -> list[Product]:
    product_ids = await OrderLine.filter(order_id=invitation.order_id).values_list("product_id", flat=True)
    left = await products_to_ask_about(invitation.customer_id, list(product_ids))  # type: ignore[arg-type]
    return await Product.filter(id__in=left).order_by("name", "id") if left else []


async def _send_request(settings: Settings, invitation: Invitation, now: datetime) -> None:
    order, customer = invitation.order, invitation.customer
    products = await _products_left(invitation)
    if not may_invite(order, customer) or not products:
        await _release(invitation, status=InvitationStatus.CANCELLED.value)
        return
    free_at = await next_free_slot(settings, customer.id, now)
    if free_at is not None:
        await _release(invitation, send_at=free_at)
        return
    async with in_transaction():
        await _queue_mail(settings, invitation, products, now, step="request")
        await _release(
            invitation,
            status=InvitationStatus.SENT.value,
            sent_at=now,
            remind_at=None if invitation.promoted_at else now + settings.reminder_delay,
            expires_at=now + settings.invite_expiry,
        )


async def _send_reminder(settings: Settings, invitation: Invitation, now: datetime) -> None:
    products = await _products_left(invitation)
    if not await _still_waiting(settings, invitation, products, now):
        await _release(invitation, remind_at=None)
        return
    async with in_transaction():
        await _queue_mail(settings, invitation, products, now, step="reminder")
        await _release(invitation, status=InvitationStatus.REMINDED.value, reminded_at=now)


async def _still_waiting(
    settings: Settings, invitation: Invitation, products: list[Product], now: datetime
) -> bool:
    """Whether a reminder makes sense: no answer yet, still welcome, below the mail cap."""
    if invitation.completed_at is not None or not products:
        return False
    if await Order.filter(id=invitation.order_id, reviews__id__isnull=False).exists():
        return False
    if not may_invite(invitation.order, invitation.customer):
        return False
    return await next_free_slot(settings, invitation.customer_id, now) is None


async def _queue_mail(
    settings: Settings, invitation: Invitation, products: list[Product], now: datetime, step: str
) -> None:
    customer, order = invitation.customer, invitation.order
    ttl = (invitation.expires_at or now + settings.invite_expiry) - now
    if step == "request":
        ttl = settings.invite_expiry
    raw = await issue_token(
        LinkPurpose.REVIEW, customer=customer, order=order, invitation=invitation, ttl=ttl, now=now
    )
    kind = "review_request" if step == "request" else "review_reminder"
    await enqueue(
        settings,
        kind=kind,
        template=kind,
        customer=customer,
        to=customer.email,
        context=mail_context(settings, raw, customer, order, products),
        # A promoter's answer asks once more (hub.surveys.follow_ups): a request of its own.
        dedupe_key=f"invite:{invitation.id}:{step}" + (":promoter" if invitation.promoted_at else ""),
    )


def mail_context(
    settings: Settings, raw: str, customer: Customer, order: Order, products: list[Product]
) -> dict[str, Any]:
    return {
        "customer_name": customer.first_name,
        "order_number": order.external_id,
        "review_url": review_url(settings, raw),
        "products": [_product_context(settings, raw, product) for product in products],
    }


def _product_context(settings: Settings, raw: str, product: Product) -> dict[str, Any]:
    stars = [(n, review_url(settings, raw, product.id, n)) for n in range(1, 6)]
    return {"id": product.id, "name": product.name, "image_url": product.image_url, "stars": stars}
