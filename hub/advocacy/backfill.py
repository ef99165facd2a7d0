"""Rebuilding stage history from the orders: one snapshot on the first day of each month
since the shop's first order (at most ten years; 24 months when there are no orders yet),
plus today. The movement matrix between two dates uses the nearest snapshot on or before
each date, so history is monthly and the last month daily from the worker.

An orders import asks for a rebuild (`request_history_rebuild`); the worker's job
``history_rebuilds`` runs one for all requests that are due, so that a shop importing two
years of orders sees two years of movement, cohorts and retention.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from tortoise.expressions import Q

from hub.advocacy.models import HistoryRebuild
from hub.advocacy.snapshots import DayResult, take_snapshot
from hub.advocacy.stages import Thresholds
from hub.catalog.models import Order
from hub.config import Settings
from hub.queue import WORKER_ID, Queue

MONTHS_BACK = 24
MOST_MONTHS = 120

REBUILDS: Queue[HistoryRebuild] = Queue(
    name="history_rebuilds",
    model=HistoryRebuild,
    due=lambda now: Q(status="queued", next_attempt_at__lte=now),
    order_by=("next_attempt_at", "id"),
    lease=timedelta(hours=2),
    claimed={"status": "running"},
    released={"status": "queued"},
    given_up={"status": "failed"},
)


def month_starts(today: date, months: int = MONTHS_BACK) -> list[date]:
    """The first day of each of the last ``months`` months, oldest first, then ``today``."""
    days: list[date] = []
    year, month = today.year, today.month
    for _ in range(months):
        days.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted({*days, today})


async def first_order_day() -> date | None:
    """The day of the shop's first order, or None before any."""
    first = await Order.all().order_by("placed_at").first().values_list("placed_at", flat=True)
    return first.date() if isinstance(first, datetime) else None


def months_since(first: date | None, today: date) -> int:
    """How many month starts the history holds: back to ``first``'s month, at most ten years."""
    if first is None:
        return MONTHS_BACK
    months = (today.year - first.year) * 12 + today.month - first.month + 1
    return max(1, min(months, MOST_MONTHS))


async def history_days(today: date) -> list[date]:
    """The days a rebuild snapshots: each month start since the first order, and today."""
    return month_starts(today, months_since(await first_order_day(), today))


async def backfill(
    today: date,
    limits: Thresholds,
    *,
    on_batch: Callable[[int], None] | None = None,
    on_day: Callable[[date], None] | None = None,
) -> list[DayResult]:
    """Snapshots for every day of ``history_days(today)``, oldest first.

    Each day also moves ``Customer.stage`` and ``stage_since`` along, so that after the last
    day a customer's stage_since is the first snapshot of their current stage; scores are
    computed once, for today.
    """
    results = []
    for day in await history_days(today):
        if on_day:
            on_day(day)
        results.append(
            await take_snapshot(
                day, limits, update_customers=True, with_scores=day == today, on_batch=on_batch
            )
        )
    return results


async def request_history_rebuild(reason: str, now: datetime | None = None) -> HistoryRebuild:
    """Ask the worker to rebuild the history; a request already waiting is the same work."""
    waiting = await HistoryRebuild.filter(status="queued").order_by("id").first()
    if waiting is not None:
        return waiting
    return await HistoryRebuild.create(reason=reason[:64], next_attempt_at=now or datetime.now(UTC))


async def rebuild_history(settings: Settings, now: datetime, worker_id: str = WORKER_ID) -> int:
    """Worker job: one rebuild for every request that is due; how many requests it settled."""
    await REBUILDS.recover(now)
    requests = await REBUILDS.claim(worker_id, now, 100)
    if not requests:
        return 0
    results = await backfill(now.date(), Thresholds.from_settings(settings))
    first, last = (results[0].day, results[-1].day) if results else (None, None)
    for request in requests:
        await REBUILDS.finish(
            request,
            worker_id,
            status="done",
            attempts=request.attempts + 1,
            first_day=first,
            last_day=last,
            done_at=now,
            last_error="",
        )
    return len(requests)
