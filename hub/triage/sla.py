"""Service-level targets per priority: first response and resolution."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q

from hub.config import Settings
from hub.triage.models import PRIORITY_RANK, Case, CaseStatus, Priority

DEFAULT_TARGETS: dict[str, tuple[timedelta, timedelta]] = {
    Priority.URGENT: (timedelta(hours=1), timedelta(hours=8)),
    Priority.HIGH: (timedelta(hours=4), timedelta(hours=24)),
    Priority.NORMAL: (timedelta(hours=24), timedelta(hours=72)),
    Priority.LOW: (timedelta(hours=72), timedelta(days=7)),
}


def targets(settings: Settings) -> dict[str, tuple[timedelta, timedelta]]:
    """Targets from ``settings.extra['sla']`` (hours per priority) over the defaults."""
    configured = dict(DEFAULT_TARGETS)
    for priority, (first, resolve) in dict(settings.extra.get("sla", {})).items():
        configured[priority] = (timedelta(hours=first), timedelta(hours=resolve))
    return configured


def due_times(settings: Settings, priority: str, start: datetime) -> tuple[datetime, datetime]:
    first, resolve = targets(settings).get(priority, DEFAULT_TARGETS[Priority.NORMAL])
    return start + first, start + resolve


ACTIVE_STATUSES = (CaseStatus.OPEN.value, CaseStatus.PENDING.value)
PRIORITY_ORDER = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


def overdue_q(now: datetime) -> Q:
    """Active cases past their resolution target, or past their first-response target unanswered.

    Both are one range on ``breach_at``, the next deadline each case owes.
    """
    return Q(status__in=ACTIVE_STATUSES, breach_at__lt=now)


def is_overdue(case: Case, now: datetime) -> bool:
    return is_late(case.status, case.next_breach(), now)


def is_late(status: str, breach_at: datetime, now: datetime) -> bool:
    """The rule of `overdue_q`, for one case already read."""
    return status in ACTIVE_STATUSES and breach_at < now


def raised(priority: str) -> str:
    """One step more urgent; urgent stays urgent."""
    rank = PRIORITY_RANK.get(Priority(priority), 1) if priority in PRIORITY_ORDER else 1
    return PRIORITY_ORDER[min(rank + 1, len(PRIORITY_ORDER) - 1)].value
