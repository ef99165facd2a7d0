"""The stage-count chart as SVG geometry: one polyline a stage, on the scales of `hub.chart`."""

from __future__ import annotations

from dataclasses import dataclass

from hub.advocacy.movement import StageSeries
from hub.chart import HEIGHT, PAD_BOTTOM, PAD_LEFT, WIDTH, x_at, y_at


@dataclass(frozen=True)
class ChartLine:
    stage: str
    points: str
    last_count: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[ChartLine]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    baseline: float
    left: int


_x, _y = x_at, y_at


def stage_chart(series: StageSeries) -> Chart:
    peak, count = max(series.peak, 1), len(series.days)
    lines = [
        ChartLine(
            stage,
            " ".join(f"{_x(i, count)},{_y(n, peak)}" for i, n in enumerate(values)),
            values[-1] if values else 0,
        )
        for stage, values in series.counts.items()
    ]
    y_ticks = [(_y(round(peak * k / 4), peak), round(peak * k / 4)) for k in range(5)]
    step = max(1, count // 6)
    x_ticks = [(_x(i, count), series.days[i].strftime("%b %Y")) for i in range(0, count, step)]
    return Chart(WIDTH, HEIGHT, lines, y_ticks, x_ticks, HEIGHT - PAD_BOTTOM, PAD_LEFT)
