"""Service-level targets per priority: first response and resolution, counted in business hours.

The clock runs only inside ``settings.business_hours`` in ``settings.time_zone`` (around
the clock when none are set): an 8-hour target set on Friday at 16:00 of a Monday–Friday
08:00–17:00 desk falls due on Monday at 15:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hub.config import Settings
from hub.triage.models import PRIORITY_RANK, Priority


def targets(settings: Settings) -> dict[str, tuple[timedelta, timedelta]]:
    """First-response and resolution targets per priority, from ``settings.sla_hours``."""
    return {
        priority: (timedelta(hours=first), timedelta(hours=resolve))
        for priority, (first, resolve) in settings.sla_hours.items()
    }


def due_times(settings: Settings, priority: str, start: datetime) -> tuple[datetime, datetime]:
    configured = targets(settings)
    first, resolve = configured.get(priority, configured[Priority.NORMAL])
    return due_after(settings, start, first), due_after(settings, start, resolve)


def due_after(settings: Settings, start: datetime, target: timedelta) -> datetime:
    """``target`` of business time after ``start``, in the shop's hours and zone."""
    return settings.business_hours.add(start, target, ZoneInfo(settings.time_zone))


PRIORITY_ORDER = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


def raised(priority: str) -> str:
    """One step more urgent; urgent stays urgent."""
    rank = PRIORITY_RANK.get(Priority(priority), 1) if priority in PRIORITY_ORDER else 1
    return PRIORITY_ORDER[min(rank + 1, len(PRIORITY_ORDER) - 1)].value
