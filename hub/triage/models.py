"""Cases opened from flagged feedback, their timelines, and outgoing webhooks."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer, Order, Product
from hub.feedback.models import Review, SurveyResponse
from hub.staff.models import StaffUser


class CaseStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Resolution(StrEnum):
    REFUND = "refund"
    REPLACEMENT = "replacement"
    APOLOGY = "apology"
    EXPLANATION = "explanation"
    NO_ACTION = "no_action"


class Case(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    review: fields.ForeignKeyNullableRelation[Review] = fields.ForeignKeyField(
        "hub.Review", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    survey_response: fields.ForeignKeyNullableRelation[SurveyResponse] = fields.ForeignKeyField(
        "hub.SurveyResponse", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    product: fields.ForeignKeyNullableRelation[Product] = fields.ForeignKeyField(
        "hub.Product", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharField(max_length=16, default=CaseStatus.OPEN.value)
    priority = fields.CharField(max_length=8, default=Priority.NORMAL.value)
    reasons: fields.JSONField[list[str]] = fields.JSONField(default=list)
    # The flagged phrases, as [start, end, reason] spans of the feedback text.
    evidence: fields.JSONField[list[list[Any]]] = fields.JSONField(default=list)
    assignee: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    first_response_due_at = fields.DatetimeField()
    resolution_due_at = fields.DatetimeField()
    first_response_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    resolution_code = fields.CharField(max_length=16, default="")
    resolution_note = fields.TextField(default="")
    escalated_at = fields.DatetimeField(null=True)
    follow_up_due_at = fields.DatetimeField(null=True)
    follow_up_sent_at = fields.DatetimeField(null=True)
    recovery_csat = fields.SmallIntField(null=True)
    recovery_comment = fields.TextField(default="")
    recovered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "triage_case"
        indexes = (
            ("status", "resolution_due_at"),
            ("assignee_id", "status", "resolution_due_at"),
            ("status", "follow_up_due_at"),
            # The queue's per-filter counts read only these indexes, never the rows.
            ("status", "priority"),
            ("status", "product_id"),
            ("status", "assignee_id"),
            ("status", "reasons"),
            ("status", "first_response_at", "first_response_due_at"),
        )

    @property
    def reference(self) -> str:
        return f"C-{self.id:06d}"


class CaseEvent(Model):
    id = fields.BigIntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "hub.Case", related_name="events", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="case_events", null=True, on_delete=fields.SET_NULL
    )
    # created, assigned, note, reply, status, priority, escalated, follow_up, recovery
    kind = fields.CharField(max_length=16)
    body = fields.TextField(default="")
    data: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "triage_case_event"
        indexes = (("case_id", "created_at"),)


class CannedResponse(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=120)
    body = fields.TextField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "triage_canned_response"


class WebhookEvent(Model):
    """An outgoing webhook call (case created / resolved), retried like mail."""

    id = fields.BigIntField(primary_key=True)
    event = fields.CharField(max_length=32)
    url = fields.CharField(max_length=1000)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField()
    status = fields.CharField(max_length=16, default="queued")
    attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    delivered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "triage_webhook_event"
        indexes = (("status", "next_attempt_at"),)
