"""What the movement, retention and advocates pages show: one service call each."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from hub.advocacy.advocates import CandidateFilters, candidates
from hub.advocacy.chart import Chart, stage_chart
from hub.advocacy.customer_search import CustomerPage, CustomerSearch, search_customers
from hub.advocacy.facts import end_of
from hub.advocacy.movement import Matrix, StageSeries, matrix, movers, stage_series
from hub.advocacy.points_report import PointsFigures, points_figures
from hub.advocacy.referral_pages import FraudCount, fraud_caught
from hub.advocacy.referrals import Flywheel, flywheel
from hub.advocacy.retention import Period, Retention, retention
from hub.advocacy.tiers import TierMoves, tier_moves
from hub.advocacy.winback import WinBackFigures, win_back_figures
from hub.catalog.models import Customer
from hub.config import Settings


@dataclass(frozen=True)
class MovementPage:
    period: Period
    series: StageSeries
    chart: Chart
    matrix: Matrix
    tier_moves: TierMoves


async def movement_page(period: Period) -> MovementPage:
    series = await stage_series()
    found = await matrix(period.start, period.end)
    moves = await tier_moves(period.start, period.end)
    return MovementPage(period, series, stage_chart(series), found, moves)


@dataclass(frozen=True)
class RetentionPage:
    figures: Retention
    win_backs: WinBackFigures
    points: PointsFigures


async def retention_page(settings: Settings, period: Period) -> RetentionPage:
    start, end = end_of(period.start - timedelta(days=1)), end_of(period.end)
    return RetentionPage(
        await retention(settings, period), await win_back_figures(start, end), await points_figures(settings)
    )


@dataclass(frozen=True)
class AdvocatesPage:
    filters: CandidateFilters
    candidates: list[Customer]
    flywheel: Flywheel
    fraud: list[FraudCount]


async def advocates_page(settings: Settings, filters: CandidateFilters) -> AdvocatesPage:
    found = await candidates(filters, settings.advocate_score_bar)
    return AdvocatesPage(filters, found, await flywheel(), await fraud_caught())


@dataclass(frozen=True)
class CustomerListPage:
    customers: CustomerPage
    # The movement report's cell the list is narrowed to, with the snapshot days it read.
    matrix: Matrix | None = None


async def customer_list_page(search: CustomerSearch) -> CustomerListPage:
    if search.cell is None:
        return CustomerListPage(
            await search_customers(search.query, search.filters, search.cursor, search.limit)
        )
    from_day, to_day, before, after = search.cell
    found = await matrix(from_day, to_day)
    ids = (
        await movers(found.from_day or date.min, found.to_day or to_day, before, after)
        if found.to_day
        else []
    )
    filters = replace(search.filters, among=tuple(ids))
    return CustomerListPage(await search_customers(search.query, filters, search.cursor, search.limit), found)
