"""Review invitations (their links are hub.links tokens)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer, Order


class InvitationStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    REMINDED = "reminded"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Invitation(Model):
    """At most one per order: the request for a review of what was bought."""

    id = fields.IntField(primary_key=True)
    order: fields.OneToOneRelation[Order] = fields.OneToOneField(
        "hub.Order", related_name="invitation", on_delete=fields.CASCADE
    )
    order_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="invitations", on_delete=fields.CASCADE
    )
    customer_id: int
    status = fields.CharField(max_length=16, default=InvitationStatus.SCHEDULED.value)
    send_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    remind_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)
    opened_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    # Set by the worker that claims the row, so that two workers never both render it.
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    # Failed tries of the step due now (request or reminder), retried after a back-off (hub.queue).
    attempts = fields.SmallIntField(default=0, db_default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="", db_default="")
    # When a promoter's survey answer asked again for the order's unreviewed products
    # (hub.surveys.follow_ups): that request has no reminder, and is never asked twice.
    promoted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "invitation"
        indexes = (("status", "send_at"), ("status", "remind_at"), ("customer_id", "sent_at"))
