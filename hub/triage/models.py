"""Cases opened from flagged feedback and their timelines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from hub.catalog.models import Customer, Order, Product
from hub.reviews.models import Review
from hub.staff.models import StaffUser
from hub.surveys.models import SurveyResponse


class CaseStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_active(self) -> bool:
        """Still owed work (by the team or the customer): it counts against its SLA."""
        return self in (CaseStatus.OPEN, CaseStatus.PENDING)


ACTIVE_STATUSES = tuple(status.value for status in CaseStatus if status.is_active)


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
    customer_id: int | None
    review: fields.ForeignKeyNullableRelation[Review] = fields.ForeignKeyField(
        "hub.Review", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    review_id: int | None
    survey_response: fields.ForeignKeyNullableRelation[SurveyResponse] = fields.ForeignKeyField(
        "hub.SurveyResponse", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    survey_response_id: int | None
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "hub.Order", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None
    product: fields.ForeignKeyNullableRelation[Product] = fields.ForeignKeyField(
        "hub.Product", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    product_id: int | None
    # feedback (a flagged review), survey (a survey answer, hub.intake.survey_follow_ups),
    # email (a mail to the support mailbox) or manual (opened by an agent)
    kind = fields.CharField(max_length=16, default="feedback", db_default="feedback")
    status = fields.CharField(max_length=16, default=CaseStatus.OPEN.value)
    priority = fields.CharField(max_length=8, default=Priority.NORMAL.value)
    reasons: fields.JSONField[list[str]] = fields.JSONField(default=list)
    # The flagged phrases, as [start, end, reason] spans of the feedback text.
    evidence: fields.JSONField[list[list[Any]]] = fields.JSONField(default=list)
    assignee: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    assignee_id: int | None
    first_response_due_at = fields.DatetimeField()
    resolution_due_at = fields.DatetimeField()
    first_response_at = fields.DatetimeField(null=True)
    # The next SLA deadline: first-response due while unanswered (if it comes first), else
    # resolution due. Kept by save() and by every update of the three fields it derives from.
    breach_at = fields.DatetimeField(null=True)
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
    # Each reopening of a resolved or closed case (`hub.triage.cases.reopen_case`): the SLA
    # clock and the figures of the report run from the last one.
    reopen_count = fields.SmallIntField(default=0, db_default=0)
    reopened_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "triage_case"
        indexes = (
            # The queue's order and its overdue filter are ranges of these; the overdue
            # view's per-filter counts read the first one alone, never the rows.
            ("status", "breach_at", "priority", "assignee_id", "product_id", "reasons"),
            ("assignee_id", "status", "breach_at"),
            ("status", "follow_up_due_at"),
            # The queue's per-filter counts read only these indexes, never the rows.
            ("status", "priority"),
            ("status", "product_id"),
            ("status", "assignee_id"),
            ("status", "reasons"),
            # The customer page's cases, and the customer list's "has an open case".
            ("customer_id", "created_at"),
        )

    @property
    def reference(self) -> str:
        return case_reference(self.id)

    @classmethod
    def active(cls) -> QuerySet[Case]:
        return cls.filter(status__in=ACTIVE_STATUSES)

    @staticmethod
    def late_q(now: datetime) -> Q:
        """Active cases past their resolution target, or past their first-response target unanswered.

        Both are one range on ``breach_at``, the next deadline each case owes.
        """
        return Q(status__in=ACTIVE_STATUSES, breach_at__lt=now)

    @staticmethod
    def late(status: str, breach_at: datetime, now: datetime) -> bool:
        """The rule of `late_q`, for a case's row already read."""
        return status in ACTIVE_STATUSES and breach_at < now

    def is_late(self, now: datetime) -> bool:
        return Case.late(self.status, self.next_breach(), now)

    @property
    def is_open(self) -> bool:
        return CaseStatus(self.status).is_active

    @property
    def outcome(self) -> str:
        """How the case ended, in words (and what the customer said of it); its status while open."""
        if self.is_open or not self.resolution_code:
            return self.status
        words = self.resolution_code.replace("_", " ")
        if self.recovery_csat is not None:
            words += f", follow-up answer {self.recovery_csat}/5"
        return words

    @property
    def opened_at(self) -> datetime:
        """When the current round of work began: the last reopening, else the opening."""
        return self.reopened_at or self.created_at

    def next_breach(self) -> datetime:
        return next_breach(self.first_response_at, self.first_response_due_at, self.resolution_due_at)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, with ``breach_at`` brought up to date when a field it derives from is saved.

        A save of other fields leaves ``breach_at`` alone: this copy may predate a reply
        that another request committed, and must not move the deadline back.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.breach_at = self.next_breach()
        elif BREACH_SOURCES & set(update_fields):
            self.breach_at = self.next_breach()
            kwargs["update_fields"] = [*update_fields, "breach_at"]
        await super().save(*args, **kwargs)

    @classmethod
    def bulk_create(cls, objects: Iterable[Case], *args: Any, **kwargs: Any) -> Any:
        """As Model.bulk_create, with every case's ``breach_at`` set (bulk writes skip save)."""
        cases = list(objects)
        for case in cases:
            case.breach_at = case.next_breach()
        return super().bulk_create(cases, *args, **kwargs)


BREACH_SOURCES = frozenset({"first_response_at", "first_response_due_at", "resolution_due_at"})


def case_reference(case_id: int) -> str:
    return f"C-{case_id:06d}"


def next_breach(
    first_response_at: datetime | None, first_response_due_at: datetime, resolution_due_at: datetime
) -> datetime:
    """The deadline a case misses next: an unanswered case first owes its first response."""
    if first_response_at is None:
        return min(first_response_due_at, resolution_due_at)
    return resolution_due_at


class CaseEvent(Model):
    id = fields.BigIntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "hub.Case", related_name="events", on_delete=fields.CASCADE
    )
    case_id: int
    actor: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="case_events", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    # created, assigned, note, reply, status, reopened, priority, escalated, follow_up, recovery;
    # from the support mailbox: customer_reply, auto_reply, bounce (hub.triage.inbound)
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


class AssignmentRule(Model):
    """Route matching cases to one agent or a group. Rules are tried by ``position``, first match wins.

    A condition left empty matches every case; ``product`` is a product's external id or a
    product group's key.
    """

    id = fields.IntField(primary_key=True)
    position = fields.IntField(default=0)
    name = fields.CharField(max_length=120)
    product = fields.CharField(max_length=64, default="")
    reason = fields.CharField(max_length=32, default="")
    priority = fields.CharField(max_length=8, default="")
    agent: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "hub.StaffUser", related_name="assignment_rules", null=True, on_delete=fields.SET_NULL
    )
    agent_id: int | None
    group = fields.CharField(max_length=64, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "triage_assignment_rule"

    def matches(self, case: Case, product_keys: frozenset[str]) -> bool:
        return (
            (not self.product or self.product in product_keys)
            and (not self.reason or self.reason in case.reasons)
            and (not self.priority or self.priority == case.priority)
        )

    @property
    def pool(self) -> str:
        """The round-robin turn this rule's cases share (`AssignmentTurn.pool`)."""
        return f"agent:{self.agent_id}" if self.agent_id else f"group:{self.group}"


class AssignmentTurn(Model):
    """Whose turn it is in one pool of agents, shared by every process (round robin).

    ``turn`` counts the cases given: a process moves it on only from the value it read
    (a conditional update), so two processes never give the same turn twice.
    """

    id = fields.IntField(primary_key=True)
    pool = fields.CharField(max_length=80, unique=True)
    last_agent_id = fields.IntField(default=0)
    turn = fields.BigIntField(default=0)

    class Meta:
        table = "triage_assignment_turn"
