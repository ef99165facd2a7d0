"""The outbox: every mail the hub sends is a row here first."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer
from hub.links.pages import mask_link_tokens


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    # Makes enqueueing idempotent: one message per (invitation, step), per case reply…
    dedupe_key = fields.CharField(max_length=128, unique=True, null=True)
    to_address = fields.CharField(max_length=254)
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    customer_id: int | None
    subject = fields.CharField(max_length=255)
    text_body = fields.TextField()
    html_body = fields.TextField()
    headers: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    message_id = fields.CharField(max_length=255, unique=True)
    status = fields.CharField(max_length=16, default=MessageStatus.QUEUED.value)
    attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    # Set just before the SMTP transaction: a claimed row without it was never attempted.
    delivery_started_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    def mask_links(self, base_url: str) -> None:
        """Mask the token of every hub link in the bodies and headers, in place (idempotent).

        A sent message keeps only this copy, and the admin sees nothing else: a stored
        mail opens no link. An admin who must resend one makes a new link.
        """
        self.text_body = mask_link_tokens(self.text_body, base_url)
        self.html_body = mask_link_tokens(self.html_body, base_url)
        headers = self.headers or {}
        self.headers = {name: mask_link_tokens(value, base_url) for name, value in headers.items()}

    class Meta:
        table = "outbox_message"
        # (customer_id, created_at): the customer page's timeline of mail sent.
        indexes = (("status", "next_attempt_at"), ("kind", "created_at"), ("customer_id", "created_at"))


class SuppressedAddress(Model):
    """An address the hub no longer mails: it bounced hard (RFC 3463 status 5.x.x)."""

    id = fields.IntField(primary_key=True)
    address = fields.CharField(max_length=254, unique=True)
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mail_suppressed_address"
