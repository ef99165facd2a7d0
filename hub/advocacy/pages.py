"""What the movement, retention and advocates pages show: one service call each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hub.advocacy.advocates import CandidateFilters, candidates
from hub.advocacy.chart import Chart, stage_chart
from hub.advocacy.facts import end_of
from hub.advocacy.movement import Matrix, StageSeries, matrix, stage_series
from hub.advocacy.referrals import Flywheel, flywheel
from hub.advocacy.retention import Period, Retention, retention
from hub.advocacy.winback import WinBackFigures, win_back_figures
from hub.catalog.models import Customer
from hub.config import Settings


@dataclass(frozen=True)
class MovementPage:
    period: Period
    series: StageSeries
    chart: Chart
    matrix: Matrix


async def movement_page(period: Period) -> MovementPage:
    series = await stage_series()
    return MovementPage(period, series, stage_chart(series), await matrix(period.start, period.end))


@dataclass(frozen=True)
class RetentionPage:
    figures: Retention
    win_backs: WinBackFigures


async def retention_page(settings: Settings, period: Period) -> RetentionPage:
    start, end = end_of(period.start - timedelta(days=1)), end_of(period.end)
    return RetentionPage(await retention(settings, period), await win_back_figures(start, end))


@dataclass(frozen=True)
class AdvocatesPage:
    filters: CandidateFilters
    candidates: list[Customer]
    flywheel: Flywheel


async def advocates_page(settings: Settings, filters: CandidateFilters) -> AdvocatesPage:
    found = await candidates(filters, settings.advocate_score_bar)
    return AdvocatesPage(filters, found, await flywheel())
