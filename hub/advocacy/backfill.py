"""Rebuilding stage history from the orders: one snapshot on the first day of each month
over the past 24 months, plus today. The movement matrix between two dates uses the nearest
snapshot on or before each date, so history is monthly and the last month daily from the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hub.advocacy.snapshots import DayResult, take_snapshot
from hub.advocacy.stages import Thresholds

MONTHS_BACK = 24


def month_starts(today: date, months: int = MONTHS_BACK) -> list[date]:
    """The first day of each of the last ``months`` months, oldest first, then ``today``."""
    days: list[date] = []
    year, month = today.year, today.month
    for _ in range(months):
        days.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted({*days, today})


async def backfill(
    today: date,
    limits: Thresholds,
    *,
    on_batch: Callable[[int], None] | None = None,
    on_day: Callable[[date], None] | None = None,
) -> list[DayResult]:
    """Snapshots for every day of ``month_starts(today)``, oldest first.

    Each day also moves ``Customer.stage`` and ``stage_since`` along, so that after the last
    day a customer's stage_since is the first snapshot of their current stage; scores are
    computed once, for today.
    """
    results = []
    for day in month_starts(today):
        if on_day:
            on_day(day)
        results.append(
            await take_snapshot(
                day, limits, update_customers=True, with_scores=day == today, on_batch=on_batch
            )
        )
    return results
