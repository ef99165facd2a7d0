"""The queue's filters: parsed from a query string, turned back into links and queries."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from hub.catalog.models import Order
from hub.triage.models import Case, CaseStatus, Priority
from hub.web.columns import fits
from hub.web.errors import InvalidInput
from hub.web.params import choice, identifier, text, whole

STATUSES = tuple(status.value for status in CaseStatus)
PRIORITIES = tuple(priority.value for priority in reversed(Priority))
REASON_PATTERN = re.compile(r"[a-z_]{1,32}")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after this (breach_at, id)."""

    due: datetime
    case_id: int

    def encode(self) -> str:
        return f"{(self.due - EPOCH) // MICROSECOND}.{self.case_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        micros, _, case_id = text.partition(".")
        try:
            offset = whole(micros, "after", low=-(2**53), high=2**53, required=True) or 0
            return cls(EPOCH + offset * MICROSECOND, identifier(case_id, "after", required=True) or 0)
        except (InvalidInput, OverflowError):
            return None

    def q(self) -> Q:
        return Q(breach_at__gt=self.due) | Q(breach_at=self.due, id__gt=self.case_id)


@dataclass(frozen=True)
class QueueFilters:
    status: str = CaseStatus.OPEN.value
    priority: str = ""
    reason: str = ""
    product: str = ""
    assignee: str = ""  # a staff id, or "none" for unassigned cases
    mine: str = ""
    overdue: str = ""
    q: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> QueueFilters:
        assignee = params.get("assignee")
        return cls(
            status=choice(params.get("status"), "status", STATUSES, default=CaseStatus.OPEN.value) or "",
            priority=choice(params.get("priority"), "priority", PRIORITIES) or "",
            reason=_matching(params.get("reason", ""), REASON_PATTERN),
            product=_id_text(params.get("product"), "product"),
            assignee="none" if assignee == "none" else _id_text(assignee, "assignee"),
            mine="1" if params.get("mine") else "",
            overdue="1" if params.get("overdue") else "",
            q=text(params.get("q"), "q", max_length=254),
        )

    def query(self, **changes: str) -> str:
        """This filter as a query string, with ``changes`` applied (toggles clear a value)."""
        unknown = changes.keys() - FILTER_NAMES
        if unknown:
            raise TypeError(f"not a queue filter: {', '.join(sorted(unknown))}")
        values = ((name, changes.get(name, getattr(self, name))) for name in FILTER_NAMES)
        return urlencode([(name, value) for name, value in values if value])

    def with_cursor(self, cursor: Cursor) -> str:
        return f"{self.query()}&after={cursor.encode()}"


FILTER_NAMES = tuple(field.name for field in fields(QueueFilters))


def _matching(value: str, pattern: re.Pattern[str]) -> str:
    return value if pattern.fullmatch(value) else ""


def _id_text(value: str | None, name: str) -> str:
    number = identifier(value, name)
    return str(number) if number else ""


def _reason_sql(reason: str) -> RawSQL:
    """JSON list membership on both databases; ``reason`` is [a-z_] only, so it is safe to inline."""
    needle = f"'\"{reason}\"'"
    if Case._meta.db.capabilities.dialect == "postgres":
        return RawSQL(f"CASE WHEN position({needle} in reasons::text) > 0 THEN 1 ELSE 0 END")
    return RawSQL(f"CASE WHEN instr(reasons, {needle}) > 0 THEN 1 ELSE 0 END")


Apply = Callable[[QuerySet[Case], QueueFilters, int, datetime], QuerySet[Case]]


def _assignee(query: QuerySet[Case], f: QueueFilters, _viewer: int, _now: datetime) -> QuerySet[Case]:
    if f.assignee == "none":
        return query.filter(assignee_id=None)
    return query.filter(assignee_id=int(f.assignee))


def _search(query: QuerySet[Case], f: QueueFilters, _viewer: int, _now: datetime) -> QuerySet[Case]:
    if not fits(Order, "external_id", f.q):  # a longer term is no order number
        return query.filter(customer__email__icontains=f.q)
    return query.filter(Q(customer__email__icontains=f.q) | Q(order__external_id=f.q))


FILTERS: dict[str, Apply] = {
    "status": lambda query, f, _v, _n: query.filter(status=f.status),
    "priority": lambda query, f, _v, _n: query.filter(priority=f.priority),
    "reason": lambda query, f, _v, _n: query.annotate(has_reason=_reason_sql(f.reason)).filter(has_reason=1),
    "product": lambda query, f, _v, _n: query.filter(product_id=int(f.product)),
    "assignee": _assignee,
    "mine": lambda query, _f, viewer, _n: query.filter(assignee_id=viewer),
    "overdue": lambda query, _f, _v, now: query.filter(Case.late_q(now)),
    "q": _search,
}


def filtered(filters: QueueFilters, viewer_id: int, now: datetime, skip: str = "") -> QuerySet[Case]:
    """Cases matching every filter but ``skip`` (the facet being counted)."""
    query = Case.all()
    values: dict[str, Any] = asdict(filters)
    for name, apply in FILTERS.items():
        if name != skip and values[name]:
            query = apply(query, filters, viewer_id, now)
    return query
