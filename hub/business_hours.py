"""Business hours: the weekly windows a support desk works, and a clock that only runs inside them.

Written as comma-separated clauses of days and a time span, in the shop's time zone:
``mon-fri 09:00-17:00``, ``mon-thu 09:00-17:00, fri 09:00-15:00``, ``sat 10:00-14:00``.
Days are ``mon`` … ``sun``, one or a range (``fri-mon`` wraps the weekend); times are
``HH:MM`` with ``24:00`` for midnight at the end of a day. No clauses: around the clock.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLAUSE = re.compile(r"([a-z]{3})(?:-([a-z]{3}))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})")
DAY = timedelta(days=1)


class BusinessHoursError(ValueError):
    """What is wrong with a business-hours text, in words for the person who wrote it."""


@dataclass(frozen=True)
class Window:
    weekday: int  # 0 is Monday
    start: int  # minutes after midnight
    end: int

    def __str__(self) -> str:
        return f"{DAYS[self.weekday]} {_clock(self.start)}-{_clock(self.end)}"


@dataclass(frozen=True)
class BusinessHours:
    """Weekly windows in local time; none means around the clock."""

    windows: tuple[Window, ...] = ()

    @property
    def around_the_clock(self) -> bool:
        return not self.windows

    def __str__(self) -> str:
        return ", ".join(str(window) for window in self.windows)

    def add(self, start: datetime, span: timedelta, zone: ZoneInfo) -> datetime:
        """The moment ``span`` of business time after ``start`` (aware), counted in ``zone``, in UTC."""
        start = start.astimezone(UTC)
        if self.around_the_clock or span <= timedelta(0):
            return start + span
        left, day = span, start.astimezone(zone).date()
        while True:
            for opens, closes in self._open_on(day, zone):
                begin = max(opens, start)
                if begin >= closes:
                    continue
                if left <= closes - begin:
                    return begin + left
                left -= closes - begin
            day += DAY

    def between(self, start: datetime, end: datetime, zone: ZoneInfo) -> timedelta:
        """The business time from ``start`` to ``end`` (aware), counted in ``zone``; 0 if end comes first.

        The whole weeks between the first and the last day count the week's hours at once,
        so a long span costs no more than two weeks of days.
        """
        if end <= start:
            return timedelta(0)
        if self.around_the_clock:
            return end - start
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        total = self._open_between(day, start, end, zone)
        day += DAY
        weeks = max(0, (last - day).days // 7)
        total += self.week_length * weeks
        day += 7 * DAY * weeks
        while day <= last:
            total += self._open_between(day, start, end, zone)
            day += DAY
        return total

    def _open_between(self, day: date, start: datetime, end: datetime, zone: ZoneInfo) -> timedelta:
        spans = [min(closes, end) - max(opens, start) for opens, closes in self._open_on(day, zone)]
        return sum((span for span in spans if span > timedelta(0)), timedelta(0))

    @property
    def week_length(self) -> timedelta:
        return timedelta(minutes=sum(window.end - window.start for window in self.windows))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (frozen and few: the shop's one policy)
    def _open_on(self, day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
        """The day's windows as UTC moments: wall-clock times, so a DST change shifts none of them."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        return [
            (_at(midnight, window.start), _at(midnight, window.end))
            for window in self.windows
            if window.weekday == day.weekday()
        ]


def _at(midnight: datetime, minutes: int) -> datetime:
    # Aware arithmetic is wall-clock arithmetic: 09:00 stays 09:00 on the day clocks change.
    return (midnight + timedelta(minutes=minutes)).astimezone(UTC)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(hours: str, minutes: str, clause: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise BusinessHoursError(f"{clause!r}: {hours}:{minutes} is not a time of day")
    return value


def _days(first: str, last: str | None, clause: str) -> list[int]:
    for name in (first, last or first):
        if name not in DAYS:
            raise BusinessHoursError(f"{clause!r}: {name!r} is not a day (use {', '.join(DAYS)})")
    begin, end = DAYS.index(first), DAYS.index(last or first)
    return [(begin + step) % 7 for step in range((end - begin) % 7 + 1)]


def _clause(clause: str) -> list[Window]:
    match = CLAUSE.fullmatch(clause)
    if match is None:
        raise BusinessHoursError(f"{clause!r} is not of the form 'mon-fri 09:00-17:00'")
    first, last, *clock = match.groups()
    start, end = _minutes(clock[0], clock[1], clause), _minutes(clock[2], clock[3], clause)
    if start >= end:
        raise BusinessHoursError(f"{clause!r}: the end must come after the start")
    return [Window(day, start, end) for day in _days(first, last, clause)]


def parse_business_hours(text: str) -> BusinessHours:
    """Read ``text`` (see the module's docstring); overlapping windows are refused."""
    windows: list[Window] = []
    for clause in (part.strip().lower() for part in text.split(",")):
        if clause:
            windows.extend(_clause(clause))
    windows.sort(key=lambda window: (window.weekday, window.start))
    for before, after in itertools.pairwise(windows):
        if before.weekday == after.weekday and after.start < before.end:
            raise BusinessHoursError(f"{before} and {after} overlap")
    return BusinessHours(tuple(windows))
