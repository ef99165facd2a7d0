"""Review invitations and the signed links that customers follow."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.expressions import F
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
    attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "invitation"
        indexes = (("status", "send_at"), ("status", "remind_at"), ("customer_id", "sent_at"))


class LinkPurpose(StrEnum):
    REVIEW = "review"
    SURVEY = "survey"
    ANSWER = "answer"
    PHOTO = "photo"
    # Staff links (hub.staff.onboarding): subject_type "staff", subject_id the user.
    STAFF_INVITE = "staff_invite"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a link purpose, not a password)
    CONFIRM_ASKER = "confirm_asker"


class AccessToken(Model):
    """The token of a signed link, stored only as its SHA-256 hash."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    purpose = fields.CharField(max_length=16)
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="access_tokens", null=True, on_delete=fields.CASCADE
    )
    customer_id: int | None
    invitation: fields.ForeignKeyNullableRelation[Invitation] = fields.ForeignKeyField(
        "hub.Invitation", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    invitation_id: int | None
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="access_tokens", null=True, on_delete=fields.CASCADE
    )
    order_id: int | None
    # What the link opens when it is not an invitation: a survey, a question, a case.
    subject_type = fields.CharField(max_length=16, default="")
    subject_id = fields.IntField(null=True)
    # Photos accepted through this link (a share link takes a bounded number).
    uploads = fields.SmallIntField(default=0, db_default=0)  # rows made before it count none
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    async def take_upload(self, limit: int) -> bool:
        """Count one more photo through this link, unless ``limit`` were taken (one conditional update)."""
        taken = await AccessToken.filter(id=self.id, uploads__lt=limit).update(uploads=F("uploads") + 1)
        return taken > 0

    class Meta:
        table = "access_token"
