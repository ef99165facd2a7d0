"""The support report page: the figures, one chart per figure (the team and each agent, week by
week), and the agents to choose from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.chart import LineChart, line_chart
from hub.config import Settings
from hub.staff.models import Role, StaffUser
from hub.triage.report import Figures
from hub.triage.report_query import Period, Report, Series, support_report

Value = Callable[[Figures], float | None]


def _hours(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds() / 3600


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def _count_words(value: float) -> str:
    return f"{value:.0f}"


def _hour_words(value: float) -> str:
    return f"{value:.1f} h"


def _percent_words(value: float) -> str:
    return f"{value:.0f}%"


@dataclass(frozen=True)
class Measure:
    title: str
    value: Value
    words: Callable[[float], str]
    peak: float | None = None


def measures(clock_words: str) -> list[Measure]:
    return [
        Measure("Cases handled", lambda f: f.handled, _count_words),
        Measure(
            f"Median first response ({clock_words})", lambda f: _hours(f.first_response.median), _hour_words
        ),
        Measure(
            f"90th percentile first response ({clock_words})",
            lambda f: _hours(f.first_response.p90),
            _hour_words,
        ),
        Measure(f"Median resolution ({clock_words})", lambda f: _hours(f.resolution.median), _hour_words),
        Measure(
            f"90th percentile resolution ({clock_words})", lambda f: _hours(f.resolution.p90), _hour_words
        ),
        Measure("SLA attainment", lambda f: _percent(f.sla_attainment), _percent_words, 100),
        Measure("Reopen rate", lambda f: _percent(f.reopen_rate), _percent_words, 100),
        Measure("Follow-up answers", lambda f: f.follow_up_answers, _count_words),
        Measure("Recovery rate", lambda f: _percent(f.recovery_rate), _percent_words, 100),
    ]


def _chart(report: Report, measure: Measure, everyone: list[Series]) -> LineChart:
    lines = {series.name: [measure.value(week) for week in series.weekly] for series in everyone}
    return line_chart(measure.title, report.week_labels, lines, measure.words, measure.peak)


def _reorder_chart(report: Report) -> LineChart:
    weekly = report.team.weekly
    lines = {
        "Recovered customers": [_percent(week.reorder.recovered.rate) for week in weekly],
        "Not recovered": [_percent(week.reorder.unrecovered.rate) for week in weekly],
    }
    title = "Ordered again within 90 days: recovered against not recovered customers"
    return line_chart(title, report.week_labels, lines, _percent_words, 100)


def report_charts(report: Report) -> list[LineChart]:
    clock_words = "business hours" if report.business_hours else "hours"
    everyone = [report.team, *report.agents]
    return [_chart(report, measure, everyone) for measure in measures(clock_words)] + [_reorder_chart(report)]


@dataclass(frozen=True)
class SupportPage:
    report: Report
    charts: list[LineChart]
    agents: list[StaffUser]  # whom the page may be narrowed to


async def support_page(settings: Settings, period: Period, now: datetime) -> SupportPage:
    report = await support_report(settings, period, now)
    staff = await StaffUser.filter(is_active=True).order_by("name", "id")
    return SupportPage(report, report_charts(report), [user for user in staff if user.has_role(Role.AGENT)])
