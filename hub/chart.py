"""Line charts as SVG geometry, computed here and drawn by a template (`_line_chart.html`); no JS.

`line_chart` turns a few named series of values (one per label on the x axis, None where
there is none) into points of a fixed viewBox; `x_at` and `y_at` are its scales.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 260, 48, 28, 12
Y_TICKS = 4
X_TICKS = 8


def x_at(index: int, count: int) -> float:
    span = WIDTH - PAD_LEFT - 8
    return round(PAD_LEFT + (span * index / (count - 1) if count > 1 else span / 2), 1)


def y_at(value: float, peak: float) -> float:
    span = HEIGHT - PAD_TOP - PAD_BOTTOM
    return round(HEIGHT - PAD_BOTTOM - (span * value / peak if peak else 0), 1)


@dataclass(frozen=True)
class Line:
    name: str
    segments: list[str]  # polyline points, broken where a value is missing
    dots: list[tuple[float, float, str]]  # x, y and the value in words


@dataclass(frozen=True)
class LineChart:
    title: str
    lines: list[Line]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PAD_LEFT
    baseline: float = HEIGHT - PAD_BOTTOM

    @property
    def empty(self) -> bool:
        return not any(line.dots for line in self.lines)


def _segments(points: list[tuple[float, float] | None]) -> list[str]:
    segments: list[list[str]] = [[]]
    for point in points:
        if point is None:
            segments.append([])
        else:
            segments[-1].append(f"{point[0]},{point[1]}")
    return [" ".join(segment) for segment in segments if segment]


def _line(name: str, values: Sequence[float | None], peak: float, words: Callable[[float], str]) -> Line:
    count = len(values)
    points = [None if v is None else (x_at(i, count), y_at(v, peak)) for i, v in enumerate(values)]
    dots = [(p[0], p[1], words(v)) for p, v in zip(points, values, strict=True) if p and v is not None]
    return Line(name, _segments(points), dots)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    words: Callable[[float], str] = lambda value: f"{value:g}",
    peak: float | None = None,
) -> LineChart:
    """One line per series over ``labels``; the y axis runs from 0 to ``peak`` (the highest value)."""
    found = [v for values in series.values() for v in values if v is not None]
    top = peak if peak is not None else max(found, default=0) or 1
    lines = [_line(name, values, top, words) for name, values in series.items()]
    y_ticks = [(y_at(top * k / Y_TICKS, top), words(top * k / Y_TICKS)) for k in range(Y_TICKS + 1)]
    step = max(1, -(-len(labels) // X_TICKS))
    x_ticks = [(x_at(i, len(labels)), labels[i]) for i in range(0, len(labels), step)]
    return LineChart(title, lines, y_ticks, x_ticks)
