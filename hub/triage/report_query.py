"""The support report of a period: one read of its resolved cases, one of their customers' later orders.

Both are single queries whatever the number of cases (the orders through a subquery, not a
list of ids); the grouping by agent and week is one pass in Python.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import RawSQL, Subquery
from tortoise.queryset import QuerySet

from hub.catalog.models import Order
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.triage.models import Case
from hub.triage.report import REORDER_WINDOW, Clock, Figures, Handled, figures
from hub.web.errors import InvalidInput
from hub.web.params import Values, day, identifier

DEFAULT_WEEKS = 12
MAX_WEEKS = 106  # two years of weekly points
WEEK = timedelta(days=7)
COLUMNS = (
    "assignee_id",
    "customer_id",
    "created_at",
    "reopened_at",
    "first_response_at",
    "first_response_due_at",
    "resolved_at",
    "resolution_due_at",
    "reopen_count",
    "follow_up_sent_at",
    "recovery_csat",
)


TIMES = frozenset(column for column in COLUMNS if column.endswith("_at"))


def _moment(value: datetime | str | None) -> datetime | None:
    """A timestamp read raw: PostgreSQL gives a datetime, SQLite the ISO text Tortoise stored."""
    if value is None or isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _raw_rows(query: QuerySet[Any], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """``query.values_list(*columns)`` with the timestamps read by `_moment`, not by the ORM.

    Tortoise parses each SQLite timestamp with a regular expression: for 100,000 cases of
    seven timestamps that is most of the report's time; ``fromisoformat`` is twenty times faster.
    """
    raw = {f"raw_{column}": RawSQL(column) for column in columns if column in TIMES | {"placed_at"}}
    names = [f"raw_{column}" if f"raw_{column}" in raw else column for column in columns]
    rows = await query.annotate(**raw).values_list(*names)
    timed = [name in raw for name in names]
    return [tuple(_moment(v) if t else v for v, t in zip(row, timed, strict=True)) for row in rows]


def monday(of: date) -> date:
    return of - timedelta(days=of.weekday())


@dataclass(frozen=True)
class Period:
    """Days in the shop's zone, both ends included, and the agent asked for (None: every agent)."""

    start: date
    end: date
    agent_id: int | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str], today: date) -> Period:
        """``from``, ``to`` (YYYY-MM-DD) and ``agent`` (a staff id); by default the last 12 weeks."""
        values = Values(params)
        end = values.read(day, "to", default=today) or today
        first = monday(end) - (DEFAULT_WEEKS - 1) * WEEK
        start = values.read(day, "from", default=first) or first
        agent_id = values.read(identifier, "agent")
        if not values.errors and start > end:
            values.fail("from", "must not be after to")
        elif not values.errors and (end - monday(start)).days >= MAX_WEEKS * 7:
            values.fail("from", f"the period may span at most {MAX_WEEKS} weeks")
        values.check()
        return cls(start, end, agent_id)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as UTC moments: from the first day's midnight to the midnight after the last."""
        begin = datetime.combine(self.start, time(), zone)
        finish = datetime.combine(self.end + timedelta(days=1), time(), zone)
        return begin.astimezone(UTC), finish.astimezone(UTC)

    @property
    def weeks(self) -> list[date]:
        """The Mondays of the ISO weeks the period touches."""
        first, count = monday(self.start), (monday(self.end) - monday(self.start)).days // 7 + 1
        return [first + i * WEEK for i in range(count)]


@dataclass(frozen=True)
class Series:
    """One agent's figures (or the team's): over the whole period and week by week."""

    name: str
    agent_id: int | None
    total: Figures
    weekly: list[Figures]

    def as_dict(self, weeks: Sequence[date]) -> dict[str, Any]:
        per_week = [
            {"week": _iso_week(monday_), "starts": monday_.isoformat(), **week.as_dict()}
            for monday_, week in zip(weeks, self.weekly, strict=True)
        ]
        return {"agent_id": self.agent_id, "name": self.name, **self.total.as_dict(), "weeks": per_week}


def _iso_week(monday_: date) -> str:
    year, week, _day = monday_.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Report:
    period: Period
    time_zone: str
    business_hours: str  # "" when durations are calendar time
    team: Series
    agents: list[Series]

    @property
    def weeks(self) -> list[date]:
        return self.period.weeks

    @property
    def week_labels(self) -> list[str]:
        return [_iso_week(week) for week in self.weeks]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "time_zone": self.time_zone,
            "durations": "business_hours" if self.business_hours else "calendar",
            "business_hours": self.business_hours or None,
            "agent_definition": AGENT_DEFINITION,
            "team": self.team.as_dict(self.weeks),
            "agents": [agent.as_dict(self.weeks) for agent in self.agents],
        }


AGENT_DEFINITION = (
    "A case counts for the agent it is assigned to, as it stands once resolved; "
    "unassigned cases count for the team only."
)


def _met_sla(
    first_response_at: datetime | None, first_due: datetime, resolved: datetime, due: datetime
) -> bool:
    """Answered in time (a resolution without a reply counts as the answer) and resolved in time."""
    return (first_response_at or resolved) <= first_due and resolved <= due


def _reordered(
    row: tuple[Any, ...], placed: Mapping[int, list[datetime]], now: datetime
) -> tuple[bool | None, bool]:
    """(ordered again within 90 days of the resolution, still waiting for the 90 days to pass)."""
    customer_id, resolved_at, csat = row[1], row[6], row[10]
    if csat is None or customer_id is None:
        return None, False
    if resolved_at + REORDER_WINDOW > now:
        return None, True
    times = placed.get(customer_id, [])
    after = bisect_right(times, resolved_at)
    return after < len(times) and times[after] <= resolved_at + REORDER_WINDOW, False


def handled(
    row: tuple[Any, ...], clock: Clock, placed: Mapping[int, list[datetime]], now: datetime
) -> Handled:
    agent_id, _customer, created, reopened, first, first_due, resolved, due, reopens, sent, csat = row
    opened = reopened or created
    reordered, waiting = _reordered(row, placed, now)
    return Handled(
        agent_id=agent_id,
        first_response=clock.span(opened, first) if first else None,
        resolution=clock.span(opened, resolved),
        met_sla=_met_sla(first, first_due, resolved, due),
        reopened=reopens > 0,
        follow_up_sent=sent is not None,
        csat=csat,
        reordered=reordered,
        waiting=waiting,
    )


async def _later_purchases(
    cases: QuerySet[Case], start: datetime, end: datetime
) -> dict[int, list[datetime]]:
    """The real (not cancelled, not refunded) orders of the answering customers, by customer, in order."""
    answered = cases.filter(recovery_csat__not_isnull=True, customer_id__not_isnull=True)
    orders = (
        Order.purchases()
        .filter(customer_id__in=Subquery(answered.values("customer_id")))
        .filter(placed_at__gt=start, placed_at__lte=end + REORDER_WINDOW)
    )
    rows = await _raw_rows(orders, ("customer_id", "placed_at"))
    placed: dict[int, list[datetime]] = defaultdict(list)
    for customer_id, placed_at in rows:
        placed[customer_id].append(placed_at)
    for times in placed.values():
        times.sort()
    return placed


def _series(name: str, agent_id: int | None, rows: list[tuple[date, Handled]], weeks: list[date]) -> Series:
    by_week: dict[date, list[Handled]] = defaultdict(list)
    for week, row in rows:
        by_week[week].append(row)
    weekly = [figures(by_week.get(week, [])) for week in weeks]
    return Series(name, agent_id, figures([row for _week, row in rows]), weekly)


async def _agents(rows: list[tuple[date, Handled]], period: Period, weeks: list[date]) -> list[Series]:
    by_agent: dict[int, list[tuple[date, Handled]]] = defaultdict(list)
    for week, row in rows:
        if row.agent_id is not None:
            by_agent[row.agent_id].append((week, row))
    wanted = [period.agent_id] if period.agent_id else list(by_agent)
    users = {user.id: user for user in await StaffUser.filter(id__in=wanted)}
    if period.agent_id and period.agent_id not in users:
        raise InvalidInput.one("agent", "is not the id of a staff member")
    agents = [_series(users[i].display_name, i, by_agent.get(i, []), weeks) for i in wanted if i in users]
    return sorted(agents, key=lambda series: series.name.lower())


async def support_report(settings: Settings, period: Period, now: datetime) -> Report:
    clock = Clock.of(settings)
    start, end = period.bounds(clock.zone)
    cases = Case.filter(resolved_at__gte=start, resolved_at__lt=end)
    placed = await _later_purchases(cases, start, end)
    rows = [
        (monday(row[6].astimezone(clock.zone).date()), handled(row, clock, placed, now))
        for row in await _raw_rows(cases, COLUMNS)
    ]
    weeks = period.weeks
    team = _series("Team", None, rows, weeks)
    hours = str(clock.hours) if clock.business else ""
    return Report(period, settings.time_zone, hours, team, await _agents(rows, period, weeks))
