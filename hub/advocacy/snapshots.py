"""Stage snapshots: today's for every customer (the worker), and history rebuilt from orders.

Writing a day is an upsert on (customer, day), so taking the same day twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from tortoise.transactions import in_transaction

from hub.advocacy.facts import CustomerFacts, customer_id_bounds, end_of, gather_facts
from hub.advocacy.models import Stage, StageSnapshot
from hub.advocacy.score import advocate_score
from hub.advocacy.sql import execute_many
from hub.advocacy.stages import Thresholds, stage_for
from hub.catalog.models import Customer
from hub.config import Settings
from hub.webhooks.events import emit_many, iso

BATCH = 5000


@dataclass
class DayResult:
    day: date
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def customers(self) -> int:
        return sum(self.counts.values())


def id_ranges(low: int, high: int, size: int = BATCH) -> list[tuple[int, int]]:
    return [(start, min(start + size - 1, high)) for start in range(low, high + 1, size)]


async def take_snapshot(
    day: date,
    limits: Thresholds,
    *,
    update_customers: bool,
    with_scores: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> DayResult:
    """Compute and store the stage of every customer on ``day``, batch by batch of ids."""
    result = DayResult(day)
    low, high = await customer_id_bounds()
    for start, end in id_ranges(low, high):
        facts = await gather_facts(start, end, day, limits)
        stages = {f.customer_id: stage_for(f.stage, day, limits) for f in facts}
        await _store(day, stages)
        if update_customers:
            await _update_customers(day, facts, stages, limits if with_scores else None)
        for stage in stages.values():
            result.counts[stage.value] += 1
        if on_batch:
            on_batch(end - start + 1)
    return result


_UPSERT = """INSERT INTO stage_snapshot (customer_id, day, stage) VALUES (?, ?, ?)
  ON CONFLICT (customer_id, day) DO UPDATE SET stage = excluded.stage"""


async def _store(day: date, stages: dict[int, Stage]) -> None:
    rows = [[cid, day, stage.value] for cid, stage in stages.items()]
    if rows:
        await execute_many(_UPSERT, rows)


_SET_STAGE = "UPDATE customer SET stage = ?, stage_since = ? WHERE id = ?"
_SET_SCORE = "UPDATE customer SET advocate_score = ? WHERE id = ?"


async def _update_customers(
    day: date, facts: list[CustomerFacts], stages: dict[int, Stage], scoring: Thresholds | None
) -> None:
    """Set stage and stage_since where the stage changed, and the score when asked."""
    rows = await Customer.filter(id__in=list(stages)).values_list(
        "id", "stage", "stage_since", "advocate_score"
    )
    current = {cid: (stage if since else None, score) for cid, stage, since, score in rows}
    since = datetime.combine(day, time(), tzinfo=UTC)
    moved, scored, changed = [], [], []
    for fact in facts:
        stage, score = current.get(fact.customer_id, (None, None))
        if stage != stages[fact.customer_id].value:
            moved.append([stages[fact.customer_id].value, since, fact.customer_id])
            if stage is not None:  # a first stage is not a change
                changed.append(
                    {
                        "customer": {"id": fact.customer_id},
                        "from": stage,
                        "to": stages[fact.customer_id].value,
                        "since": iso(since),
                    }
                )
        new_score = advocate_score(fact, day, scoring.score_weights) if scoring else score
        if new_score != score:
            scored.append([new_score, fact.customer_id])
    async with in_transaction():
        for sql, changes in ((_SET_STAGE, moved), (_SET_SCORE, scored)):
            if changes:
                await execute_many(sql, changes)
        await emit_many("customer.stage_changed", changed)


async def restage_customers(settings: Settings, customer_ids: Sequence[int], now: datetime) -> None:
    """Today's stage and score of these customers, now (after a refund or a cancellation)."""
    day, limits = now.astimezone(UTC).date(), Thresholds.from_settings(settings)
    for customer_id in customer_ids:
        facts = await gather_facts(customer_id, customer_id, day, limits)
        stages = {f.customer_id: stage_for(f.stage, day, limits) for f in facts}
        await _store(day, stages)
        await _update_customers(day, facts, stages, limits)


async def snapshot_is_complete(day: date) -> bool:
    taken = await StageSnapshot.filter(day=day).count()
    return taken > 0 and taken >= await Customer.filter(created_at__lt=end_of(day)).count()


async def snapshot_stages(settings: Settings, now: datetime) -> int:
    """Worker job: today's snapshot once a day (later passes find it complete and skip)."""
    today = now.astimezone(UTC).date()
    if await snapshot_is_complete(today):
        return 0
    result = await take_snapshot(today, Thresholds.from_settings(settings), update_customers=True)
    return result.customers
