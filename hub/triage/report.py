"""Support measured: the figures of a group of handled cases (one agent or the team, one week or all).

A case is *handled* when it is resolved; it counts in the week of its (last) resolution, in
the shop's time zone, for its assignee. Its first-response and resolution times run from its
last (re)opening, counted in business hours where the shop set them (`Clock`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.business_hours import BusinessHours
from hub.config import Settings

RECOVERED_CSAT = 4  # "Did we put things right?" answered 4 or 5 out of 5
REORDER_WINDOW = timedelta(days=90)
MIN_GROUP = 20  # fewer cases than this in a group: too few to compare


@dataclass(frozen=True)
class Clock:
    """How durations are counted: business hours where the shop set them, else calendar time."""

    hours: BusinessHours
    zone: ZoneInfo

    @classmethod
    def of(cls, settings: Settings) -> Clock:
        return cls(settings.business_hours, ZoneInfo(settings.time_zone))

    @property
    def business(self) -> bool:
        return not self.hours.around_the_clock

    def span(self, start: datetime, end: datetime) -> timedelta:
        return self.hours.between(start, end, self.zone)


@dataclass(frozen=True)
class Handled:
    """One resolved case, as the figures need it."""

    agent_id: int | None
    first_response: timedelta | None  # None: resolved without a reply
    resolution: timedelta
    met_sla: bool
    reopened: bool
    follow_up_sent: bool
    csat: int | None  # the follow-up's answer
    reordered: bool | None  # None: no answer, no customer, or the 90 days not over yet
    waiting: bool = False  # answered, but its 90 days are not over

    @property
    def recovered(self) -> bool:
        return self.csat is not None and self.csat >= RECOVERED_CSAT


def percentile(ordered: Sequence[timedelta], share: float) -> timedelta | None:
    """Of spans in order: linear between the two nearest ranks (the inclusive method, numpy's)."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _seconds(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds()


@dataclass(frozen=True)
class Spread:
    cases: int
    median: timedelta | None
    p90: timedelta | None

    @classmethod
    def of(cls, spans: Sequence[timedelta]) -> Spread:
        ordered = sorted(spans)
        return cls(len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.9))

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "median_seconds": _seconds(self.median),
            "p90_seconds": _seconds(self.p90),
        }


@dataclass(frozen=True)
class Group:
    """Cases whose customer answered the follow-up one way, and how many ordered again in 90 days."""

    cases: int
    reordered: int

    @property
    def rate(self) -> float | None:
        return _share(self.reordered, self.cases)

    @property
    def too_small(self) -> bool:
        return self.cases < MIN_GROUP

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "reordered": self.reordered,
            "rate": self.rate,
            "too_small": self.too_small,
        }


@dataclass(frozen=True)
class Reorder:
    recovered: Group
    unrecovered: Group
    waiting: int  # answered cases whose 90 days are not over

    @classmethod
    def of(cls, rows: Sequence[Handled]) -> Reorder:
        known = [row for row in rows if row.reordered is not None]
        ups = [bool(row.reordered) for row in known if row.recovered]
        downs = [bool(row.reordered) for row in known if not row.recovered]
        waiting = sum(row.waiting for row in rows)
        return cls(Group(len(ups), sum(ups)), Group(len(downs), sum(downs)), waiting)

    @property
    def comparable(self) -> bool:
        return not (self.recovered.too_small or self.unrecovered.too_small)

    def as_dict(self) -> dict[str, Any]:
        return {
            "recovered": self.recovered.as_dict(),
            "unrecovered": self.unrecovered.as_dict(),
            "waiting": self.waiting,
            "comparable": self.comparable,
        }


@dataclass(frozen=True)
class Figures:
    handled: int
    first_response: Spread
    resolution: Spread
    met_sla: int
    reopened: int
    follow_ups_sent: int
    follow_up_answers: int
    recovered: int
    reorder: Reorder

    @property
    def sla_attainment(self) -> float | None:
        return _share(self.met_sla, self.handled)

    @property
    def reopen_rate(self) -> float | None:
        return _share(self.reopened, self.handled)

    @property
    def recovery_rate(self) -> float | None:
        """Of the customers who answered the follow-up, the share who said it was put right."""
        return _share(self.recovered, self.follow_up_answers)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases_handled": self.handled,
            "first_response": self.first_response.as_dict(),
            "resolution": self.resolution.as_dict(),
            "sla_met": self.met_sla,
            "sla_attainment": self.sla_attainment,
            "reopened": self.reopened,
            "reopen_rate": self.reopen_rate,
            "follow_ups_sent": self.follow_ups_sent,
            "follow_up_answers": self.follow_up_answers,
            "recovered": self.recovered,
            "recovery_rate": self.recovery_rate,
            "reorder_within_90_days": self.reorder.as_dict(),
        }


def figures(rows: Sequence[Handled]) -> Figures:
    answered = [row for row in rows if row.csat is not None]
    return Figures(
        handled=len(rows),
        first_response=Spread.of([row.first_response for row in rows if row.first_response is not None]),
        resolution=Spread.of([row.resolution for row in rows]),
        met_sla=sum(row.met_sla for row in rows),
        reopened=sum(row.reopened for row in rows),
        follow_ups_sent=sum(row.follow_up_sent for row in rows),
        follow_up_answers=len(answered),
        recovered=sum(row.recovered for row in answered),
        reorder=Reorder.of(rows),
    )
