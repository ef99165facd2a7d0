"""The token behind every mailed link, and the purposes a link can serve."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.expressions import F
from tortoise.models import Model


class LinkPurpose(StrEnum):
    """What a link opens; the lifetime and single use of each are in ``hub.links.tokens.POLICIES``."""

    REVIEW = "review"
    SURVEY = "survey"
    FOLLOW_UP = "follow_up"  # the recovery survey of a resolved case
    ANSWER = "answer"
    PHOTO_SHARE = "photo_share"
    PROFILE = "profile"
    UNSUBSCRIBE = "unsubscribe"  # one-click unsubscribe and the mail preferences page
    CONFIRM_ASKER = "confirm_asker"
    STAFF_INVITE = "staff_invite"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a link purpose, not a password)


class LinkToken(Model):
    """The token of a mailed link, stored only as its SHA-256 hash.

    Its subject is the customer, order and invitation it belongs to (foreign keys, so that
    a deleted customer takes their links along) and, for anything else the link opens,
    ``subject_type`` and ``subject_id``: "survey", "case", "question" or "staff".
    """

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    purpose = fields.CharField(max_length=16)
    customer: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "hub.Customer", related_name="link_tokens", null=True, on_delete=fields.CASCADE
    )
    customer_id: int | None
    order: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "hub.Order", related_name="link_tokens", null=True, on_delete=fields.CASCADE
    )
    order_id: int | None
    invitation: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "hub.Invitation", related_name="link_tokens", null=True, on_delete=fields.CASCADE
    )
    invitation_id: int | None
    subject_type = fields.CharField(max_length=16, default="")
    subject_id = fields.IntField(null=True)
    # Photos accepted through this link (a share link takes a bounded number).
    uploads = fields.SmallIntField(default=0, db_default=0)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    async def take_upload(self, limit: int) -> bool:
        """Count one more photo through this link, unless ``limit`` were taken (one conditional update)."""
        taken = await LinkToken.filter(id=self.id, uploads__lt=limit).update(uploads=F("uploads") + 1)
        return taken > 0

    class Meta:
        table = "link_token"
        indexes = (("subject_type", "subject_id", "purpose"), ("customer_id", "purpose"))
