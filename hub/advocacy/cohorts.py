"""The monthly cohort table: customers by the month of their first order, and the share of
them who ordered again 0, 1, 2 … months later (cancelled and fully refunded orders never count)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from hub.advocacy.facts import end_of
from hub.advocacy.sql import fetch, month_of
from hub.catalog.models import purchase_sql

if TYPE_CHECKING:
    from hub.advocacy.retention import Period


def _sql() -> str:
    # Only a fixed column expression is formatted in; values go through placeholders.
    return f"""SELECT {month_of("f.first")} AS cohort, {month_of("o.placed_at")} AS month,
      COUNT(DISTINCT o.customer_id) AS n
      FROM orders o JOIN (SELECT customer_id, MIN(placed_at) AS first FROM orders
        WHERE {purchase_sql()} GROUP BY customer_id) f ON f.customer_id = o.customer_id
      WHERE {purchase_sql("o")} AND f.first >= ? AND f.first < ? AND o.placed_at < ?
      GROUP BY 1, 2"""  # noqa: S608


@dataclass(frozen=True)
class CohortRow:
    month: str
    size: int
    active: list[int]

    @property
    def shares(self) -> list[float]:
        return [n / self.size if self.size else 0.0 for n in self.active]

    def as_dict(self) -> dict[str, Any]:
        return {"month": self.month, "customers": self.size, "active_by_month": self.active}


def months_between(first: str, later: str) -> int:
    (y1, m1), (y2, m2) = (map(int, first.split("-")), map(int, later.split("-")))
    return (y2 - y1) * 12 + (m2 - m1)


async def cohort_table(period: Period) -> list[CohortRow]:
    start, end = end_of(period.start - timedelta(days=1)), end_of(period.end)
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for row in await fetch(_sql(), (start, end, end)):
        counts[row["cohort"]][months_between(row["cohort"], row["month"])] = int(row["n"])
    return [_row(month, by_offset) for month, by_offset in sorted(counts.items())]


def _row(month: str, by_offset: dict[int, int]) -> CohortRow:
    width = max(by_offset) + 1
    return CohortRow(month, by_offset.get(0, 0), [by_offset.get(k, 0) for k in range(width)])
