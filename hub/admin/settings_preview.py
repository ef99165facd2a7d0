"""What a policy change would do, before it is saved: customers by stage, cases overdue."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from hub.advocacy.facts import customer_id_bounds, gather_facts
from hub.advocacy.snapshots import id_ranges
from hub.advocacy.stages import Thresholds, stage_for
from hub.config import Settings
from hub.triage.models import Case, CaseStatus
from hub.triage.sla import due_times


@dataclass(frozen=True)
class Compared:
    """A figure now and with the proposed settings."""

    label: str
    now: int
    proposed: int


async def stage_counts(now_settings: Settings, proposed: Settings, now: datetime) -> list[Compared]:
    """Customers by stage today, under the thresholds in effect and under the proposed ones."""
    day = now.date()
    current, changed = Thresholds.from_settings(now_settings), Thresholds.from_settings(proposed)
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    low, high = await customer_id_bounds()
    for start, end in id_ranges(low, high):
        # The window of "loyal" is one of the thresholds: read the facts under each.
        for limits, counts in ((current, before), (changed, after)):
            for facts in await gather_facts(start, end, day, limits):
                counts[stage_for(facts.stage, day, limits).value] += 1
    return [Compared(stage, before[stage], after[stage]) for stage in sorted(before.keys() | after.keys())]


async def overdue_cases(now_settings: Settings, proposed: Settings, now: datetime) -> list[Compared]:
    """Open and pending cases past their first-response or resolution target, if every case's
    targets were worked out from its opening under each set of SLA targets."""
    active = [s.value for s in CaseStatus if s.is_active]
    cases = await Case.filter(status__in=active).only("id", "priority", "created_at", "first_response_at")

    def late(settings: Settings) -> tuple[int, int]:
        unanswered = resolving = 0
        for case in cases:
            first, resolve = due_times(settings, case.priority, case.created_at)
            unanswered += case.first_response_at is None and first < now
            resolving += resolve < now
        return unanswered, resolving

    before, after = late(now_settings), late(proposed)
    return [
        Compared("overdue for a first response", before[0], after[0]),
        Compared("overdue for resolution", before[1], after[1]),
    ]
