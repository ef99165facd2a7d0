"""Messages read from the support mailbox, and their attachments."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from hub.triage.models import Case


class InboundStatus(StrEnum):
    RECEIVED = "received"  # stored, not yet put on a case
    REPLY = "reply"  # the customer's mail, on its case
    AUTO_REPLY = "auto_reply"  # an out-of-office or other automatic answer (RFC 3834)
    BOUNCE = "bounce"  # a delivery status notification (RFC 3464)
    DUPLICATE = "duplicate"  # a Message-ID already handled (the same mail in two folders)
    OWN = "own"  # a mail the hub sent itself (an escalation to the support address)
    UNREADABLE = "unreadable"  # kept as it came, for a person to look at

    @property
    def counts_as_reply(self) -> bool:
        return self is InboundStatus.REPLY


class InboundMessage(Model):
    id = fields.BigIntField(primary_key=True)
    # Folder, UIDVALIDITY and UID: one row per message of the mailbox, however often it is fetched.
    mailbox_key = fields.CharField(max_length=255, unique=True)
    message_id = fields.CharField(max_length=255, default="", db_index=True)
    # The message as it came, a private file under ``{data_dir}/inbound``.
    raw_name = fields.CharField(max_length=80)
    size = fields.IntField(default=0)
    status = fields.CharField(max_length=16, default=InboundStatus.RECEIVED.value)
    from_address = fields.CharField(max_length=254, default="")
    from_name = fields.CharField(max_length=200, default="")
    subject = fields.CharField(max_length=255, default="")
    # The new text of a reply: without the quoted history and the signature.
    text = fields.TextField(default="")
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "hub.Case", related_name="inbound_messages", null=True, on_delete=fields.SET_NULL
    )
    case_id: int | None
    # thread (In-Reply-To/References), subject ([C-000123]), sender, or new (a case it opened)
    matched_by = fields.CharField(max_length=16, default="")
    error = fields.TextField(default="")
    processed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "inbound_message"
        indexes = (("processed_at", "id"),)


class AttachmentKind(StrEnum):
    IMAGE = "image"  # checked and re-encoded like a photo, shown inline to staff
    FILE = "file"  # kept as it came, offered to staff for download
    REFUSED = "refused"  # not kept; ``note`` says why


class InboundAttachment(Model):
    id = fields.BigIntField(primary_key=True)
    inbound: fields.ForeignKeyRelation[InboundMessage] = fields.ForeignKeyField(
        "hub.InboundMessage", related_name="attachments", on_delete=fields.CASCADE
    )
    inbound_id: int
    filename = fields.CharField(max_length=200)
    content_type = fields.CharField(max_length=100, default="application/octet-stream")
    size = fields.IntField(default=0)
    kind = fields.CharField(max_length=16)
    # Private files under ``{data_dir}/inbound/files``: an image's web size and thumbnail.
    stored_name = fields.CharField(max_length=80, default="")
    thumb_name = fields.CharField(max_length=80, default="")
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "inbound_attachment"
