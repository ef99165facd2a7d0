"""Service-level targets per priority: first response and resolution."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q

from hub.config import Settings
from hub.triage.models import PRIORITY_RANK, Case, CaseStatus, Priority


def targets(settings: Settings) -> dict[str, tuple[timedelta, timedelta]]:
    """First-response and resolution targets per priority, from ``settings.sla_hours``."""
    return {
        priority: (timedelta(hours=first), timedelta(hours=resolve))
        for priority, (first, resolve) in settings.sla_hours.items()
    }


def due_times(settings: Settings, priority: str, start: datetime) -> tuple[datetime, datetime]:
    configured = targets(settings)
    first, resolve = configured.get(priority, configured[Priority.NORMAL])
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
