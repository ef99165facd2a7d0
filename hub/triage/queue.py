"""The case queue: one keyset page of cases by SLA due time, and a count for every filter value."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from tortoise.functions import Count

from hub.catalog.models import Product
from hub.staff.models import StaffUser
from hub.triage.filters import PRIORITIES, STATUSES, Cursor, QueueFilters, filtered
from hub.triage.models import Case
from hub.triage.sla import ACTIVE_STATUSES, is_overdue

PAGE_SIZE = 50


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class QueueRow:
    case: Case
    overdue: bool


@dataclass(frozen=True)
class Queue:
    filters: QueueFilters
    rows: list[QueueRow]
    next_cursor: Cursor | None
    facets: dict[str, list[Option]]
    mine: int
    overdue: int
    first_page: bool


async def load_queue(filters: QueueFilters, viewer: StaffUser, now: datetime,
                     after: Cursor | None = None) -> Queue:
    cases = await _page(filters, viewer.id, now, after)
    next_cursor = None
    if len(cases) > PAGE_SIZE:
        cases = cases[:PAGE_SIZE]
        next_cursor = Cursor(cases[-1].resolution_due_at, cases[-1].id)
    return Queue(
        filters=filters,
        rows=[QueueRow(case, is_overdue(case, now)) for case in cases],
        next_cursor=next_cursor,
        facets=await facets(filters, viewer.id, now),
        mine=await filtered(filters, viewer.id, now, skip="mine").filter(assignee_id=viewer.id).count(),
        overdue=await _overdue_count(filters, viewer.id, now),
        first_page=after is None,
    )


async def _page(filters: QueueFilters, viewer_id: int, now: datetime,
                after: Cursor | None) -> list[Case]:
    # Ids first, from the (status, resolution_due_at) index alone; the joins then touch
    # only one page of rows instead of steering the planner into sorting every match.
    query = filtered(filters, viewer_id, now)
    if after is not None:
        query = query.filter(after.q())
    ids = await query.order_by("resolution_due_at", "id").limit(PAGE_SIZE + 1).values_list(
        "id", flat=True)
    cases = await Case.filter(id__in=list(ids)).select_related(
        "customer", "product", "assignee", "order")
    return sorted(cases, key=lambda case: (case.resolution_due_at, case.id))


async def _overdue_count(filters: QueueFilters, viewer_id: int, now: datetime) -> int:
    """Overdue = past resolution, plus (disjoint) unanswered past first response: two index counts."""
    matching = filtered(replace(filters, overdue=""), viewer_id, now).filter(
        status__in=ACTIVE_STATUSES)
    late = await matching.filter(resolution_due_at__lt=now).count()
    unanswered = await matching.filter(resolution_due_at__gte=now, first_response_at=None,
                                       first_response_due_at__lt=now).count()
    return late + unanswered


async def _grouped(filters: QueueFilters, viewer_id: int, now: datetime, facet: str,
                   column: str) -> list[tuple[object, int]]:
    query = filtered(filters, viewer_id, now, skip=facet).annotate(n=Count("id"))
    rows = await query.group_by(column).values_list(column, "n")
    return [(value, int(n)) for value, n in rows]


async def facets(filters: QueueFilters, viewer_id: int, now: datetime) -> dict[str, list[Option]]:
    """Each filter's values with how many cases each would show, the other filters applied."""
    status = dict(await _grouped(filters, viewer_id, now, "status", "status"))
    priority = dict(await _grouped(filters, viewer_id, now, "priority", "priority"))
    return {
        "status": [Option(s, s, int(status.get(s, 0))) for s in STATUSES],
        "priority": [Option(p, p, int(priority.get(p, 0))) for p in PRIORITIES],
        "reason": await _reason_options(filters, viewer_id, now),
        "product": await _product_options(filters, viewer_id, now),
        "assignee": await _assignee_options(filters, viewer_id, now),
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
