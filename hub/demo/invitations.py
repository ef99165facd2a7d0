"""Review invitations: one per fulfilled order, in whatever state its age has brought it to."""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.demo.context import Demo
from hub.demo.orders import Purchase
from hub.invites.models import Invitation, InvitationStatus

UNSUBSCRIBE_CHANCE = 0.06  # for a one-off buyer who ignored their invitation


def build_invitations(demo: Demo, purchases: list[Purchase]) -> dict[int, Invitation]:
    """Invitations by order id; `settle_invitations` gives them their final status."""
    invitations = {}
    for purchase in purchases:
        order = purchase.order
        if order.fulfilled_at is None or order.cancelled_at is not None:
            continue
        invitation = _invitation(demo, purchase, order.fulfilled_at)
        invitations[order.pk] = invitation
    return invitations


def _invitation(demo: Demo, purchase: Purchase, fulfilled_at: datetime) -> Invitation:
    settings = demo.settings
    send_at = fulfilled_at + settings.invite_delay
    invitation = demo.add(
        Invitation,
        order_id=purchase.order.pk,
        customer_id=purchase.shopper.customer.pk,
        send_at=send_at,
        created_at=purchase.order.created_at,
    )
    refunded_at = purchase.order.refunded_at
    if refunded_at is not None and refunded_at < send_at:
        invitation.status = InvitationStatus.CANCELLED.value
    elif send_at <= demo.now:
        invitation.sent_at = send_at + timedelta(minutes=demo.rng.randrange(1, 20))
        invitation.remind_at = invitation.sent_at + settings.reminder_delay
        invitation.expires_at = invitation.sent_at + settings.invite_expiry
    return invitation


def complete(invitation: Invitation, at: datetime) -> None:
    """Record that the customer answered the invitation at `at`."""
    if invitation.completed_at is None or at < invitation.completed_at:
        invitation.completed_at = at
        invitation.opened_at = at - timedelta(minutes=3)


def settle_invitations(demo: Demo, purchases: list[Purchase], by_order: dict[int, Invitation]) -> None:
    for invitation in by_order.values():
        _settle(demo, invitation)
    for purchase in purchases:
        asked = by_order.get(purchase.order.pk)
        if asked is None or not _ignored_once(purchase, asked):
            continue
        if demo.chance(UNSUBSCRIBE_CHANCE):
            _unsubscribe(demo, purchase, asked)


def _settle(demo: Demo, invitation: Invitation) -> None:
    if invitation.sent_at is None:
        return
    reminder_went = invitation.remind_at is not None and invitation.remind_at <= min(
        demo.now, invitation.completed_at or demo.now
    )
    if reminder_went:
        invitation.reminded_at = invitation.remind_at
    invitation.status = _status(demo, invitation, reminder_went).value
    if invitation.opened_at is None and demo.chance(0.3):
        invitation.opened_at = invitation.sent_at + demo.hours(0.2, 30)


def _status(demo: Demo, invitation: Invitation, reminder_went: bool) -> InvitationStatus:
    if invitation.completed_at is not None:
        return InvitationStatus.COMPLETED
    if invitation.expires_at is not None and invitation.expires_at <= demo.now:
        return InvitationStatus.EXPIRED
    return InvitationStatus.REMINDED if reminder_went else InvitationStatus.SENT


def _ignored_once(purchase: Purchase, invitation: Invitation) -> bool:
    return (
        purchase.shopper.segment == "once"
        and invitation.sent_at is not None
        and invitation.completed_at is None
    )


def _unsubscribe(demo: Demo, purchase: Purchase, invitation: Invitation) -> None:
    assert invitation.sent_at is not None and invitation.remind_at is not None
    left_at = invitation.sent_at + demo.hours(1, 96)
    if left_at > demo.now:
        return
    purchase.shopper.customer.unsubscribed_at = left_at
    if left_at < invitation.remind_at:
        invitation.reminded_at = None
        invitation.status = InvitationStatus.CANCELLED.value
