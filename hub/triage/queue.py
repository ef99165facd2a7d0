"""The case queue: one keyset page of cases by next SLA deadline, and a count for every filter value."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from tortoise.expressions import RawSQL

from hub.catalog.models import Product
from hub.staff.models import StaffUser, display_name
from hub.triage.filters import PRIORITIES, STATUSES, Cursor, QueueFilters, filtered
from hub.triage.models import Case, case_reference

PAGE_SIZE = 50
QUERY_CONCURRENCY = 3
T = TypeVar("T")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, read as plain values: a page is 50 of these, not 250 models."""

    id: int
    status: str
    priority: str
    reasons: list[str]
    customer_email: str | None
    order_id: str | None
    product_name: str | None
    assignee: str | None
    breach_at: datetime
    answered: bool
    overdue: bool

    @property
    def reference(self) -> str:
        return case_reference(self.id)

    @property
    def deadline(self) -> str:
        """Which target ``breach_at`` is: the first response, or the resolution."""
        return "resolution" if self.answered else "first response"


@dataclass(frozen=True)
class Queue:
    filters: QueueFilters
    rows: list[QueueRow]
    next_cursor: Cursor | None
    facets: dict[str, list[Option]]
    mine: int
    overdue: int
    first_page: bool


async def load_queue(
    filters: QueueFilters, viewer: StaffUser, now: datetime, after: Cursor | None = None
) -> Queue:
    # The page and the counts are independent reads: on PostgreSQL they run side by side
    # on the pool's connections (at most QUERY_CONCURRENCY of them, so that one agent's
    # queue leaves the pool to the widget and the API); SQLite's one connection takes
    # them in turn.
    gate = asyncio.Semaphore(QUERY_CONCURRENCY)
    rows, facet_options, mine, overdue = await asyncio.gather(
        _gated(gate, _page(filters, viewer.id, now, after)),
        facets(filters, viewer.id, now, gate),
        _gated(gate, filtered(filters, viewer.id, now, skip="mine").filter(assignee_id=viewer.id).count()),
        _gated(gate, filtered(replace(filters, overdue="1"), viewer.id, now).count()),
    )
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = Cursor(rows[-1].breach_at, rows[-1].id)
    return Queue(
        filters=filters,
        rows=rows,
        next_cursor=next_cursor,
        facets=facet_options,
        mine=mine,
        overdue=overdue,
        first_page=after is None,
    )


async def _gated(gate: asyncio.Semaphore, work: Awaitable[T]) -> T:
    async with gate:
        return await work


ROW_FIELDS = (
    "id",
    "status",
    "priority",
    "reasons",
    "breach_at",
    "first_response_at",
    "customer__email",
    "order__external_id",
    "product__name",
    "assignee__name",
    "assignee__email",
)


async def _page(filters: QueueFilters, viewer_id: int, now: datetime, after: Cursor | None) -> list[QueueRow]:
    """One page by next SLA deadline: ids from the (status, breach_at) index, then their rows."""
    query = filtered(filters, viewer_id, now)
    if after is not None:
        query = query.filter(after.q())
    ids = await query.order_by("breach_at", "id").limit(PAGE_SIZE + 1).values_list("id", flat=True)
    rows = [_row(values, now) for values in await Case.filter(id__in=list(ids)).values(*ROW_FIELDS)]
    return sorted(rows, key=lambda row: (row.breach_at, row.id))


def _row(values: dict[str, Any], now: datetime) -> QueueRow:
    email = values["assignee__email"]
    assignee = display_name(values["assignee__name"], email) if email else None
    return QueueRow(
        id=values["id"],
        status=values["status"],
        priority=values["priority"],
        reasons=list(values["reasons"] or []),
        customer_email=values["customer__email"],
        order_id=values["order__external_id"],
        product_name=values["product__name"],
        assignee=assignee,
        breach_at=values["breach_at"],
        answered=values["first_response_at"] is not None,
        overdue=Case.late(values["status"], values["breach_at"], now),
    )


async def _grouped(
    filters: QueueFilters, viewer_id: int, now: datetime, facet: str, column: str
) -> list[tuple[object, int]]:
    # COUNT(*), not COUNT(id): PostgreSQL can then answer from the (status, column) index alone.
    query = filtered(filters, viewer_id, now, skip=facet).annotate(n=RawSQL("COUNT(*)"))
    rows = await query.group_by(column).values_list(column, "n")
    return [(value, int(n)) for value, n in rows]


async def facets(
    filters: QueueFilters, viewer_id: int, now: datetime, gate: asyncio.Semaphore | None = None
) -> dict[str, list[Option]]:
    """Each filter's values with how many cases each would show, the other filters applied."""
    gate = gate or asyncio.Semaphore(QUERY_CONCURRENCY)
    status, priority, reason, product, assignee = await asyncio.gather(
        _gated(gate, _grouped(filters, viewer_id, now, "status", "status")),
        _gated(gate, _grouped(filters, viewer_id, now, "priority", "priority")),
        _gated(gate, _reason_options(filters, viewer_id, now)),
        _gated(gate, _product_options(filters, viewer_id, now)),
        _gated(gate, _assignee_options(filters, viewer_id, now)),
    )
    status_counts, priority_counts = dict(status), dict(priority)
    return {
        "status": [Option(s, s, int(status_counts.get(s, 0))) for s in STATUSES],
        "priority": [Option(p, p, int(priority_counts.get(p, 0))) for p in PRIORITIES],
        "reason": reason,
        "product": product,
        "assignee": assignee,
    }


async def _reason_options(filters: QueueFilters, viewer_id: int, now: datetime) -> list[Option]:
    counts: Counter[str] = Counter()
    for reasons, n in await _grouped(filters, viewer_id, now, "reason", "reasons"):
        for reason in set(reasons if isinstance(reasons, list) else []):
            counts[str(reason)] += n
    return [Option(r, r.replace("_", " "), n) for r, n in sorted(counts.items())]


async def _product_options(filters: QueueFilters, viewer_id: int, now: datetime) -> list[Option]:
    counts = {k: n for k, n in await _grouped(filters, viewer_id, now, "product", "product_id") if k}
    names = dict(await Product.filter(id__in=list(counts)).values_list("id", "name"))
    options = [Option(str(pid), str(names.get(pid, pid)), n) for pid, n in counts.items()]
    return sorted(options, key=lambda option: option.label.lower())


async def _assignee_options(filters: QueueFilters, viewer_id: int, now: datetime) -> list[Option]:
    counts = dict(await _grouped(filters, viewer_id, now, "assignee", "assignee_id"))
    users = await StaffUser.filter(id__in=[k for k in counts if k]).order_by("name", "email")
    options = [Option("none", "unassigned", counts.get(None, 0))]
    return options + [Option(str(u.id), u.display_name, counts[u.id]) for u in users]
