"""Case figures by agent and by month: response and resolution times, SLA attainment, recovery."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.staff.models import StaffUser
from hub.triage.models import Case

RECOVERED_CSAT = 4
COLUMNS = (
    "assignee_id",
    "created_at",
    "first_response_at",
    "first_response_due_at",
    "resolved_at",
    "resolution_due_at",
    "recovery_csat",
)


@dataclass(frozen=True)
class CaseTimes:
    assignee_id: int | None
    created_at: datetime
    first_response_at: datetime | None
    first_response_due_at: datetime
    resolved_at: datetime | None
    resolution_due_at: datetime
    recovery_csat: int | None

    @property
    def met_sla(self) -> bool:
        """Answered in time (a resolution counts as the answer) and resolved in time."""
        answered = self.first_response_at or self.resolved_at
        return bool(
            self.resolved_at
            and answered
            and answered <= self.first_response_due_at
            and self.resolved_at <= self.resolution_due_at
        )


@dataclass(frozen=True)
class Figures:
    label: str
    cases: int
    resolved: int
    median_first_response: timedelta | None
    median_resolution: timedelta | None
    sla_attainment: float | None  # share of resolved cases that met both targets
    recovery_rate: float | None  # share of resolved cases whose follow-up CSAT >= 4
    answered_follow_ups: int


def _median(spans: list[timedelta]) -> timedelta | None:
    if not spans:
        return None
    ordered, middle = sorted(spans), len(spans) // 2
    return ordered[middle] if len(spans) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def figures(label: str, rows: list[CaseTimes]) -> Figures:
    resolved = [r for r in rows if r.resolved_at]
    return Figures(
        label=label,
        cases=len(rows),
        resolved=len(resolved),
        median_first_response=_median(
            [r.first_response_at - r.created_at for r in rows if r.first_response_at]
        ),
        median_resolution=_median([r.resolved_at - r.created_at for r in resolved if r.resolved_at]),
        sla_attainment=_share(sum(r.met_sla for r in resolved), len(resolved)),
        recovery_rate=_share(sum((r.recovery_csat or 0) >= RECOVERED_CSAT for r in resolved), len(resolved)),
        answered_follow_ups=sum(r.recovery_csat is not None for r in resolved),
    )


@dataclass(frozen=True)
class Report:
    overall: Figures
    by_agent: list[Figures]
    by_month: list[Figures]
    since: datetime


async def _rows(since: datetime) -> list[CaseTimes]:
    values = await Case.filter(created_at__gte=since).values_list(*COLUMNS)
    return [CaseTimes(*row) for row in values]


async def case_report(since: datetime) -> Report:
    rows = await _rows(since)
    by_agent: dict[int | None, list[CaseTimes]] = defaultdict(list)
    by_month: dict[str, list[CaseTimes]] = defaultdict(list)
    for row in rows:
        by_agent[row.assignee_id].append(row)
        by_month[row.created_at.strftime("%Y-%m")].append(row)
    users = await StaffUser.filter(id__in=[k for k in by_agent if k])
    names = {user.id: user.display_name for user in users}
    agents = [figures(names.get(k, f"#{k}") if k else "unassigned", v) for k, v in by_agent.items()]
    return Report(
        overall=figures("all cases", rows),
        by_agent=sorted(agents, key=lambda f: f.label.lower()),
        by_month=[figures(month, by_month[month]) for month in sorted(by_month, reverse=True)],
        since=since,
    )
