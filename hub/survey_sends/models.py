"""A survey send (to whom, when, how often) and its deliveries, one per customer per round or event."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from hub.catalog.models import Customer, Order
from hub.staff.models import StaffUser
from hub.surveys.models import Survey


class SendKind(StrEnum):
    ONE_OFF = "one_off"
    RECURRING = "recurring"
    EVENT = "event"


class SendEvent(StrEnum):
    """What starts an event send, each counted once per customer and event."""

    DELIVERED = "delivered"  # an order's delivered_at
    FULFILLED = "fulfilled"  # an order's fulfilled_at
    CASE_RESOLVED = "case_resolved"
    SECOND_ORDER = "second_order"
    AT_RISK = "at_risk"  # the customer's stage became at_risk


class SendStatus(StrEnum):
    SCHEDULED = "scheduled"  # a round waits for next_run_at (one-off and recurring)
    LISTENING = "listening"  # an event send, watching for its event
    DONE = "done"  # a one-off send, expanded
    STOPPED = "stopped"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    SKIPPED = "skipped"  # ``skip_reason`` says why


class SkipReason(StrEnum):
    CAP = "cap"  # the shared mail cap (hub.mail.caps)
    UNSUBSCRIBED = "unsubscribed"  # unsubscribed, erased, or turned surveys off
    SUPPRESSED = "suppressed"  # the address bounced hard or staff stopped its mail
    RECENT = "recent"  # answered or sent this survey within the recurrence's period
    INACTIVE = "inactive"  # the survey was deactivated or the send stopped


class SurveySend(Model):
    """One way a survey reaches customers, claimed by the worker (``hub.queue``) to expand a round."""

    id = fields.IntField(primary_key=True)
    survey: fields.ForeignKeyRelation[Survey] = fields.ForeignKeyField(
        "hub.Survey", related_name="sends", on_delete=fields.CASCADE
    )
    survey_id: int
    kind = fields.CharField(max_length=16)
    # hub.advocacy.segments.Segment.as_dict()
    segment: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Recurring: every ``every`` days or months.
    every = fields.SmallIntField(null=True)
    unit = fields.CharField(max_length=8, default="")
    event = fields.CharField(max_length=16, default="")
    event_delay_days = fields.SmallIntField(default=0)
    # Days after a send before its one reminder; None for no reminder.
    reminder_days = fields.SmallIntField(null=True)
    status = fields.CharField(max_length=16, db_index=True)
    next_run_at = fields.DatetimeField(null=True)
    round = fields.IntField(default=0)
    # The round's expansion so far: every segment customer up to this id has a delivery.
    cursor = fields.IntField(default=0)
    # An event send has looked at every event up to here.
    watched_until = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="survey_sends", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    deliveries: fields.ReverseRelation[SurveyDelivery]

    class Meta:
        table = "survey_send"


class SurveyDelivery(Model):
    """The survey mailed (or skipped) to one customer, once per (send, customer, occasion).

    ``occasion`` is the round of a one-off or recurring send (``r0``, ``r1`` …) or the event
    (``order:12``, ``case:7``, ``at_risk:2026-03-01``): the unique key that makes expanding a
    round or finding events again harmless.
    """

    id = fields.BigIntField(primary_key=True)
    send: fields.ForeignKeyRelation[SurveySend] = fields.ForeignKeyField(
        "hub.SurveySend", related_name="deliveries", on_delete=fields.CASCADE
    )
    send_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "hub.Customer", related_name="survey_deliveries", on_delete=fields.CASCADE
    )
    customer_id: int
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="survey_deliveries", null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None
    occasion = fields.CharField(max_length=40)
    status = fields.CharField(max_length=8, default=DeliveryStatus.QUEUED.value)
    skip_reason = fields.CharField(max_length=16, default="")
    due_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    remind_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)
    # The claim of the transaction that sends it or its reminder (hub.queue.each_in_transaction).
    handled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "survey_delivery"
        unique_together = (("send_id", "customer_id", "occasion"),)
        indexes = (("status", "due_at"), ("remind_at",), ("customer_id", "sent_at"))
