"""The results page and `/api/v1/surveys/{id}/results`: the asked segment and period, charts, JSON."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hub.chart import BarChart, LineChart, bar_chart, line_chart
from hub.surveys.measures import Change, Figure
from hub.surveys.models import Survey
from hub.surveys.results import Distribution, Period, Results, Trend, needs_rebuild, survey_results
from hub.surveys.rollup import SEGMENTS
from hub.web.errors import InvalidInput
from hub.web.params import choice

PERIOD_MONTHS = ("1", "3", "6", "12")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Asked:
    segment: str
    value: str
    period: Period


def parse_asked(query: Mapping[str, str], now: datetime) -> Asked:
    """`segment=stage:loyal`, `months=3`, `until=2025-06`; InvalidInput (422) naming a bad one."""
    segment, _, value = str(query.get("segment", "") or "").partition(":")
    if segment and (segment not in SEGMENTS or not value or len(value) > 64):
        raise InvalidInput.one("segment", f"must be one of {', '.join(SEGMENTS)}, a colon and a value")
    months = int(choice(query.get("months"), "months", PERIOD_MONTHS, default="3") or "3")
    until = str(query.get("until", "") or now.astimezone(UTC).strftime("%Y-%m")).strip()
    if not MONTH.match(until):
        raise InvalidInput.one("until", "must be a month as YYYY-MM")
    return Asked(segment, value, Period(until, months))


@dataclass(frozen=True)
class ResultsPage:
    results: Results
    bars: list[tuple[Distribution, BarChart]]
    trends: list[tuple[Trend, LineChart]]
    needs_rebuild: bool
    months: tuple[str, ...] = PERIOD_MONTHS


def _bars(distribution: Distribution) -> BarChart:
    counts = [(bar.label, bar.count) for bar in distribution.bars]
    return bar_chart(distribution.question.prompt, counts, distribution.total)


def _trend_chart(trend: Trend) -> LineChart:
    labels = [month for month, _ in trend.months]
    values = [figure.value for _, figure in trend.months]
    bands = [(f.low, f.high) if f.low is not None and f.high is not None else None for _, f in trend.months]
    name = trend.measure.title
    return line_chart(
        f"{name} by month, with its 95 % margin",
        labels,
        {name: values},
        trend.measure.words,
        peak=trend.measure.peak,
        floor=trend.measure.floor,
        bands={name: bands},
    )


async def results_page(survey: Survey, asked: Asked) -> ResultsPage:
    results = await survey_results(survey, asked.period, asked.segment, asked.value)
    return ResultsPage(
        results,
        [(d, _bars(d)) for d in results.distributions],
        [(t, _trend_chart(t)) for t in results.trends],
        await needs_rebuild(survey, results),
    )


def _figure(figure: Figure) -> dict[str, Any]:
    rounded = {
        name: None if v is None else round(v, 2)
        for name, v in (
            ("value", figure.value),
            ("low", figure.low),
            ("high", figure.high),
            ("margin", figure.margin),
        )
    }
    return {**rounded, "answers": figure.answers}


def _change(change: Change, period: Period) -> dict[str, Any]:
    return {
        "current": {"from": period.current()[0], "to": period.current()[1], **_figure(change.current)},
        "previous": {"from": period.previous()[0], "to": period.previous()[1], **_figure(change.previous)},
        "difference": None if change.difference is None else round(change.difference, 2),
        "margin": None if change.margin is None else round(change.margin, 2),
        "beyond_noise": change.beyond_noise,
    }


def results_dict(results: Results) -> dict[str, Any]:
    """The figures of the page as JSON (the API's answer)."""
    return {
        "survey": {"id": results.survey.id, "slug": results.survey.slug, "name": results.survey.name},
        "segment": {"kind": results.segment, "value": results.value} if results.segment else None,
        "responses": results.responses,
        "questions": [
            {
                "id": d.question.id,
                "kind": d.question.kind,
                "prompt": d.question.prompt,
                "answers": d.total,
                "counts": [{"answer": bar.label, "count": bar.count} for bar in d.bars],
            }
            for d in results.distributions
        ],
        "trends": [
            {
                "question_id": t.question.id,
                "measure": t.measure.name,
                "method": t.measure.help,
                "overall": _figure(t.overall),
                "months": [{"month": month, **_figure(figure)} for month, figure in t.months],
                "period": _change(t.change, results.period),
            }
            for t in results.trends
        ],
        "topics": [
            {
                "topic": topic.name,
                "answers": topic.count,
                "sentiment": topic.sentiments,
                "quotes": topic.quotes,
            }
            for topic in results.topics
        ],
    }
