"""Webhook endpoints and the deliveries queued for them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class EndpointKind(StrEnum):
    STANDARD = "standard"  # a JSON envelope signed following Standard Webhooks
    SLACK = "slack"  # a Slack incoming webhook: {"text": ...}


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    HELD = "held"  # waiting while its endpoint is paused; queued again on resume


class WebhookEndpoint(Model):
    """An address the hub posts events to, with the events it wants and its signing secret."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    url = fields.CharField(max_length=1000)
    kind = fields.CharField(max_length=16, default=EndpointKind.STANDARD.value)
    events: fields.JSONField[list[str]] = fields.JSONField(default=list)
    # The whsec_ secret, encrypted with a key derived from HUB_SECRET_KEY; shown once.
    secret = fields.TextField(default="")
    # "admin", "api", or "env" for the one kept from HUB_CASE_WEBHOOK_URL.
    source = fields.CharField(max_length=16, default="admin")
    paused_at = fields.DatetimeField(null=True)
    paused_reason = fields.CharField(max_length=200, default="")
    # Deliveries given up one after another (reset by a success); pausing counts these.
    failures_in_row = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def wants(self, event: str) -> bool:
        return event in (self.events or [])

    class Meta:
        table = "webhook_endpoint"


class WebhookDelivery(Model):
    """One event for one endpoint: posted by the worker, retried with the queue's back-off."""

    id = fields.BigIntField(primary_key=True)
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "hub.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: int
    event = fields.CharField(max_length=48)
    # The webhook-id header: the same on every try and on a resend, so a receiver can tell a repeat.
    message_id = fields.CharField(max_length=40)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField()
    status = fields.CharField(max_length=16, default=DeliveryStatus.QUEUED.value)
    attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    # What the last try got: the HTTP status (None without an answer), how long it took, why it failed.
    response_status = fields.SmallIntField(null=True)
    response_ms = fields.IntField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        indexes = (("status", "next_attempt_at"), ("endpoint_id", "id"))
