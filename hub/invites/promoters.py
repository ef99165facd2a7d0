"""A promoter's survey answer asks once more for a review of what they have not reviewed.

The request is the order's own invitation, scheduled as every invitation is: the worker's
`invitation` job sends it when due, re-checks what is left to review and the unsubscribe,
and waits for the mail cap. It has no reminder, and no customer is asked twice about a
product by this rule.
"""

from __future__ import annotations

from datetime import datetime

from hub.catalog.models import Customer, Order, OrderLine
from hub.config import Settings
from hub.invites.models import Invitation, InvitationStatus
from hub.invites.scheduling import may_invite, products_to_ask_about
from hub.mail.caps import next_free_slot


async def promoter_order(customer: Customer, order_id: int | None) -> Order | None:
    """The order a survey answer is about, else the customer's last one."""
    if order_id is not None:
        return await Order.get_or_none(id=order_id, customer_id=customer.id)
    return await Order.filter(customer_id=customer.id).order_by("-placed_at", "-id").first()


async def _asked_by_promoter_rule(customer_id: int) -> set[int]:
    orders = Invitation.filter(customer_id=customer_id, promoted_at__isnull=False).values_list(
        "order_id", flat=True
    )
    products = await OrderLine.filter(order_id__in=await orders).values_list("product_id", flat=True)
    return set(products)  # type: ignore[arg-type]


async def _left_to_ask(customer: Customer, order: Order) -> list[int]:
    product_ids = await OrderLine.filter(order_id=order.id).values_list("product_id", flat=True)
    left = await products_to_ask_about(customer.id, list(product_ids))  # type: ignore[arg-type]
    asked = await _asked_by_promoter_rule(customer.id)
    return [product_id for product_id in left if product_id not in asked]


async def ask_promoter(
    settings: Settings, customer: Customer, order: Order, now: datetime
) -> Invitation | None:
    """Schedule the promoter's review request for `order`; None when nothing is to be asked.

    An order with no invitation gets one; one already sent (or ended) is scheduled again;
    one still waiting to go out asks anyway, so nothing is added.
    """
    if not may_invite(order, customer) or not await _left_to_ask(customer, order):
        return None
    send_at = await next_free_slot(settings, customer.id, now) or now
    expires_at = send_at + settings.invite_expiry
    invitation = await Invitation.get_or_none(order_id=order.id)
    if invitation is None:
        return await Invitation.create(
            order=order, customer=customer, send_at=send_at, expires_at=expires_at, promoted_at=now
        )
    if invitation.status == InvitationStatus.SCHEDULED or invitation.claimed_by:
        return None
    scheduled = await Invitation.filter(id=invitation.id, promoted_at=None, claimed_by=None).update(
        status=InvitationStatus.SCHEDULED.value,
        send_at=send_at,
        expires_at=expires_at,
        remind_at=None,
        attempts=0,
        next_attempt_at=None,
        promoted_at=now,
    )
    return await Invitation.get(id=invitation.id) if scheduled else None
