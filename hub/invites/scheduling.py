"""When an order should bring a review invitation, and when it goes out.

Ingestion calls ``schedule_invitations`` for every order it creates or
updates. The rules that can change between scheduling and sending (an
unsubscribe, a review written meanwhile, the shared mail cap of ``hub.mail.caps``) are checked again by
the jobs when the invitation is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from hub.catalog.models import Customer, MailKind, Order, OrderLine, Product
from hub.config import Settings
from hub.invites.models import Invitation, InvitationStatus


def trigger_time(settings: Settings, order: Order) -> datetime | None:
    """The moment the review delay starts: fulfilment or delivery, as configured."""
    return order.delivered_at if settings.invite_trigger == "delivered" else order.fulfilled_at


def may_invite(order: Order, customer: Customer) -> bool:
    """A cancelled or fully refunded order brings no request (one already sent stays sent)."""
    return order.is_purchase and bool(customer.email) and customer.accepts(MailKind.REVIEW_REQUESTS.value)


async def products_to_ask_about(customer_id: int, product_ids: Sequence[int]) -> list[int]:
    """The order's products this customer has not reviewed yet."""
    reviewed = set(
        await Product.filter(id__in=list(product_ids), reviews__customer_id=customer_id).values_list(
            "id", flat=True
        )
    )
    return [product_id for product_id in product_ids if product_id not in reviewed]


async def schedule_invitations(
    settings: Settings, orders: Sequence[Order], now: datetime | None = None
) -> dict[int, datetime | None]:
    """Create or adjust the invitation of each order; the send time by order id."""
    if not orders:
        return {}
    now = now or datetime.now(UTC)
    order_ids = [order.id for order in orders]
    customers = {c.id: c for c in await Customer.filter(id__in={o.customer_id for o in orders})}
    products = await _products_by_order(order_ids)
    reviewed = await _reviewed(list(customers))
    invitations = {i.order_id: i for i in await Invitation.filter(order_id__in=order_ids)}
    planned, new = {}, []
    for order in orders:
        left = products.get(order.id, set()) - reviewed.get(order.customer_id, set())
        send_at = _send_at(settings, order, customers[order.customer_id], bool(left), now)
        invitation = invitations.get(order.id)
        if invitation is None and send_at is not None:
            new.append(_new_invitation(settings, order, send_at))
        elif invitation is not None:
            send_at = await _adjust(settings, invitation, send_at)
        planned[order.id] = send_at
    await Invitation.bulk_create(new)
    return planned


def _send_at(
    settings: Settings, order: Order, customer: Customer, anything_to_ask: bool, now: datetime
) -> datetime | None:
    """None when no invitation should go out; old orders whose link would be dead too."""
    trigger = trigger_time(settings, order)
    if trigger is None or not anything_to_ask or not may_invite(order, customer):
        return None
    send_at = trigger + settings.invite_delay
    return send_at if send_at + settings.invite_expiry > now else None


def _new_invitation(settings: Settings, order: Order, send_at: datetime) -> Invitation:
    return Invitation(
        order_id=order.id,
        customer_id=order.customer_id,
        send_at=send_at,
        expires_at=send_at + settings.invite_expiry,
    )


async def _adjust(settings: Settings, invitation: Invitation, send_at: datetime | None) -> datetime | None:
    """A still-waiting invitation follows its order; one already sent is left alone."""
    if invitation.status != InvitationStatus.SCHEDULED or invitation.claimed_by:
        return invitation.send_at if invitation.status != InvitationStatus.CANCELLED else None
    if send_at is None:
        invitation.status = InvitationStatus.CANCELLED.value
        await invitation.save(update_fields=["status"])
    elif send_at != invitation.send_at:
        invitation.send_at, invitation.expires_at = send_at, send_at + settings.invite_expiry
        await invitation.save(update_fields=["send_at", "expires_at"])
    return send_at


async def _products_by_order(order_ids: Sequence[int]) -> dict[int, set[int]]:
    products: dict[int, set[int]] = {}
    rows = await OrderLine.filter(order_id__in=list(order_ids)).values_list("order_id", "product_id")
    for order_id, product_id in rows:
        products.setdefault(order_id, set()).add(product_id)
    return products


async def _reviewed(customer_ids: Sequence[int]) -> dict[int, set[int]]:
    reviewed: dict[int, set[int]] = {}
    rows = await Product.filter(reviews__customer_id__in=list(customer_ids)).values_list(
        "reviews__customer_id", "id"
    )
    for customer_id, product_id in rows:
        reviewed.setdefault(customer_id, set()).add(product_id)
    return reviewed
