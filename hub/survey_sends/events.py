"""The events an event send listens for, each found by its own indexed date and named once.

A finder returns the events that happened in ``(since, until]``, oldest first, at most
``limit``, as `Happening`s. Its ``occasion`` is the unique name of the event for the
customer: the same order, case or move into at-risk found twice is one delivery.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from hub.advocacy.models import Stage
from hub.catalog.models import Customer, Order
from hub.survey_sends.models import SendEvent
from hub.triage.models import Case, CaseStatus


@dataclass(frozen=True)
class Happening:
    customer_id: int
    occasion: str
    at: datetime
    order_id: int | None = None


Finder = Callable[[datetime, datetime, int], Awaitable[list[Happening]]]


def _order_dated(column: str) -> Finder:
    async def find(since: datetime, until: datetime, limit: int) -> list[Happening]:
        rows = (
            await Order.purchases()
            .filter(**{f"{column}__gt": since, f"{column}__lte": until})
            .order_by(column, "id")
            .limit(limit)
            .values_list("customer_id", "id", column)
        )
        return [Happening(int(c), f"order:{o}", at, int(o)) for c, o, at in rows]

    return find


async def resolved_cases(since: datetime, until: datetime, limit: int) -> list[Happening]:
    rows = (
        await Case.filter(
            status=CaseStatus.RESOLVED.value,
            customer_id__not_isnull=True,
            resolved_at__gt=since,
            resolved_at__lte=until,
        )
        .order_by("resolved_at", "id")
        .limit(limit)
        .values_list("customer_id", "id", "resolved_at", "order_id")
    )
    return [Happening(int(c), f"case:{k}", at, o) for c, k, at, o in rows]


async def second_orders(since: datetime, until: datetime, limit: int) -> list[Happening]:
    """Orders placed in the window that are their customer's second purchase."""
    placed = await _order_dated("placed_at")(since, until, limit)
    customers = {happening.customer_id for happening in placed}
    history = (
        await Order.purchases()
        .filter(customer_id__in=list(customers) or [0], placed_at__lte=until)
        .order_by("customer_id", "placed_at", "id")
        .values_list("customer_id", "id")
    )
    seen: dict[int, list[int]] = {}
    for customer_id, order_id in history:
        seen.setdefault(int(str(customer_id)), []).append(int(str(order_id)))
    second = {orders[1] for orders in seen.values() if len(orders) > 1}
    return [happening for happening in placed if happening.order_id in second]


async def became_at_risk(since: datetime, until: datetime, limit: int) -> list[Happening]:
    rows = (
        await Customer.filter(stage=Stage.AT_RISK.value, stage_since__gt=since, stage_since__lte=until)
        .order_by("stage_since", "id")
        .limit(limit)
        .values_list("id", "stage_since")
    )
    return [Happening(int(c), f"at_risk:{at.date().isoformat()}", at) for c, at in rows]


FINDERS: dict[str, Finder] = {
    SendEvent.DELIVERED.value: _order_dated("delivered_at"),
    SendEvent.FULFILLED.value: _order_dated("fulfilled_at"),
    SendEvent.CASE_RESOLVED.value: resolved_cases,
    SendEvent.SECOND_ORDER.value: second_orders,
    SendEvent.AT_RISK.value: became_at_risk,
}
