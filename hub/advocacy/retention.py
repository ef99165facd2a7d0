"""Retention figures from the purchases of a period: cancelled and fully refunded orders never
count, and revenue is what the shop kept (a partial refund lowers it, ``Order.kept_revenue``).

* repeat customer rate = customers with more than one order ÷ customers with at least one;
* purchase frequency = orders ÷ customers (in the period), and per year = that ÷ the period in years;
* average order value (AOV) = revenue ÷ orders;
* churn rate = customers active at the start (an order in the ``dormant_days`` before it) with no
  order in the ``dormant_days`` up to the end (dormant at the end) ÷ customers active at the start;
* expected lifespan = ``settings.lifespan_years`` (HUB_LIFESPAN_YEARS) when set, else estimated
  as period in years ÷ churn rate (1 / churn per year), capped at ``MAX_LIFESPAN_YEARS``;
* customer lifetime value (CLV) = AOV × purchases per year × expected lifespan in years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hub.advocacy.cohorts import CohortRow, cohort_table
from hub.advocacy.facts import as_decimal, end_of
from hub.advocacy.sql import fetch
from hub.advocacy.stages import Thresholds
from hub.catalog.models import kept_revenue_sql, purchase_sql
from hub.config import Settings

MAX_LIFESPAN_YEARS = 10.0
DAYS_A_YEAR = 365.25

# Only fixed column expressions are formatted in; values go through placeholders.
_TOTALS = f"""SELECT COUNT(*) AS customers, SUM(CASE WHEN n > 1 THEN 1 ELSE 0 END) AS repeaters,
  SUM(n) AS orders, SUM(revenue) AS revenue FROM (
    SELECT customer_id, COUNT(*) AS n, SUM({kept_revenue_sql()}) AS revenue FROM orders
    WHERE {purchase_sql()} AND placed_at >= ? AND placed_at < ? GROUP BY customer_id) AS t"""  # noqa: S608
_ACTIVE = f"""SELECT COUNT(DISTINCT customer_id) AS n FROM orders
  WHERE {purchase_sql()} AND placed_at >= ? AND placed_at < ?"""  # noqa: S608
_CHURNED = f"""SELECT COUNT(DISTINCT o.customer_id) AS n FROM orders o
  WHERE {purchase_sql("o")} AND o.placed_at >= ? AND o.placed_at < ? AND NOT EXISTS (
    SELECT 1 FROM orders p WHERE p.customer_id = o.customer_id AND {purchase_sql("p")}
    AND p.placed_at >= ? AND p.placed_at < ?)"""  # noqa: S608


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def years(self) -> float:
        return self.days / DAYS_A_YEAR


@dataclass(frozen=True)
class Retention:
    period: Period
    customers: int
    repeat_customers: int
    orders: int
    revenue: Decimal
    active_at_start: int
    churned: int
    lifespan_years: float
    lifespan_source: str
    cohorts: list[CohortRow]

    @property
    def repeat_rate(self) -> float | None:
        return self.repeat_customers / self.customers if self.customers else None

    @property
    def frequency(self) -> float | None:
        return self.orders / self.customers if self.customers else None

    @property
    def frequency_per_year(self) -> float | None:
        return self.frequency / self.period.years if self.frequency is not None else None

    @property
    def average_order_value(self) -> Decimal | None:
        return (self.revenue / self.orders).quantize(Decimal("0.01")) if self.orders else None

    @property
    def churn_rate(self) -> float | None:
        return self.churned / self.active_at_start if self.active_at_start else None

    @property
    def lifetime_value(self) -> Decimal | None:
        aov, per_year = self.average_order_value, self.frequency_per_year
        if aov is None or per_year is None:
            return None
        return (aov * Decimal(str(per_year)) * Decimal(str(self.lifespan_years))).quantize(Decimal("0.01"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "customers": self.customers,
            "repeat_customers": self.repeat_customers,
            "orders": self.orders,
            "revenue": str(self.revenue),
            "repeat_customer_rate": self.repeat_rate,
            "purchase_frequency": self.frequency,
            "purchase_frequency_per_year": self.frequency_per_year,
            "average_order_value": _text(self.average_order_value),
            "churn_rate": self.churn_rate,
            "active_at_start": self.active_at_start,
            "churned": self.churned,
            "customer_lifetime_value": {
                "value": _text(self.lifetime_value),
                "formula": "average_order_value × purchase_frequency_per_year × lifespan_years",
                "lifespan_years": self.lifespan_years,
                "lifespan_source": self.lifespan_source,
            },
            "cohorts": [row.as_dict() for row in self.cohorts],
        }


def _text(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def lifespan(settings: Settings, churned: int, active: int, period: Period) -> tuple[float, str]:
    if settings.lifespan_years:
        return settings.lifespan_years, "settings"
    if not churned or not active:
        return MAX_LIFESPAN_YEARS, f"no churn measured: capped at {MAX_LIFESPAN_YEARS:g} years"
    estimate = period.years / (churned / active)
    return min(round(estimate, 2), MAX_LIFESPAN_YEARS), "estimated as 1 / churn per year"


async def _churn(period: Period, dormant_days: int) -> tuple[int, int]:
    start, end = end_of(period.start - timedelta(days=1)), end_of(period.end)
    window = timedelta(days=dormant_days)
    active = await fetch(_ACTIVE, (start - window, start))
    churned = await fetch(_CHURNED, (start - window, start, end - window, end))
    return int(active[0]["n"] or 0), int(churned[0]["n"] or 0)


async def retention(settings: Settings, period: Period) -> Retention:
    start, end = end_of(period.start - timedelta(days=1)), end_of(period.end)
    totals = (await fetch(_TOTALS, (start, end)))[0]
    active, churned = await _churn(period, Thresholds.from_settings(settings).dormant_days)
    years, source = lifespan(settings, churned, active, period)
    return Retention(
        period,
        int(totals["customers"] or 0),
        int(totals["repeaters"] or 0),
        int(totals["orders"] or 0),
        as_decimal(totals["revenue"]).quantize(Decimal("0.01")),
        active,
        churned,
        years,
        source,
        await cohort_table(period),
    )
