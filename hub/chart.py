"""Line charts as SVG geometry, computed here and drawn by a template (`_line_chart.html`); no JS.

`bar_chart` lays out horizontal bars of counts (a distribution) the same way (`_bar_chart.html`).

`line_chart` turns a few named series of values (one per label on the x axis, None where
there is none) into points of a fixed viewBox; `x_at` and `y_at` are its scales.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 260, 48, 28, 12
Y_TICKS = 4
X_TICKS = 8


def x_at(index: int, count: int) -> float:
    span = WIDTH - PAD_LEFT - 8
    return round(PAD_LEFT + (span * index / (count - 1) if count > 1 else span / 2), 1)


def y_at(value: float, peak: float, floor: float = 0.0) -> float:
    span = HEIGHT - PAD_TOP - PAD_BOTTOM
    return round(HEIGHT - PAD_BOTTOM - (span * (value - floor) / (peak - floor) if peak != floor else 0), 1)


@dataclass(frozen=True)
class Line:
    name: str
    segments: list[str]  # polyline points, broken where a value is missing
    dots: list[tuple[float, float, str]]  # x, y and the value in words
    # error bars: x, y of the low and of the high end (a margin of error), where given
    whiskers: list[tuple[float, float, float]] = field(default_factory=list)


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


Band = tuple[float, float] | None  # the low and high end of a value's interval


def _line(
    name: str,
    values: Sequence[float | None],
    scale: tuple[float, float],
    words: Callable[[float], str],
    bands: Sequence[Band] = (),
) -> Line:
    count, (floor, peak) = len(values), scale
    points = [None if v is None else (x_at(i, count), y_at(v, peak, floor)) for i, v in enumerate(values)]
    dots = [(p[0], p[1], words(v)) for p, v in zip(points, values, strict=True) if p and v is not None]
    whiskers = [
        (x_at(i, count), y_at(max(band[0], floor), peak, floor), y_at(min(band[1], peak), peak, floor))
        for i, band in enumerate(bands)
        if band is not None
    ]
    return Line(name, _segments(points), dots, whiskers)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    words: Callable[[float], str] = lambda value: f"{value:g}",
    peak: float | None = None,
    floor: float = 0.0,
    bands: Mapping[str, Sequence[Band]] | None = None,
) -> LineChart:
    """One line per series over ``labels``; the y axis runs from ``floor`` to ``peak`` (the highest
    value). ``bands`` gives a series an error bar per label: the low and high end of its interval."""
    found = [v for values in series.values() for v in values if v is not None]
    top = peak if peak is not None else max(found, default=0) or 1
    scale, bands = (floor, top), bands or {}
    lines = [_line(name, values, scale, words, bands.get(name, ())) for name, values in series.items()]
    y_ticks = [
        (y_at(floor + (top - floor) * k / Y_TICKS, top, floor), words(floor + (top - floor) * k / Y_TICKS))
        for k in range(Y_TICKS + 1)
    ]
    step = max(1, -(-len(labels) // X_TICKS))
    x_ticks = [(x_at(i, len(labels)), labels[i]) for i in range(0, len(labels), step)]
    return LineChart(title, lines, y_ticks, x_ticks)


BAR_ROW, BAR_LABEL = 22, 120


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    words: str  # the count and share in words


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    left: int = BAR_LABEL
    row: int = BAR_ROW

    @property
    def height(self) -> int:
        return self.row * len(self.bars) + 4


def bar_chart(title: str, counts: Sequence[tuple[str, int]], total: int | None = None) -> BarChart:
    """Horizontal bars, one per (label, count), as long as the count against the largest."""
    top = max((count for _, count in counts), default=0) or 1
    whole = total if total is not None else sum(count for _, count in counts)
    span = WIDTH - BAR_LABEL - 110
    bars = [
        Bar(
            label,
            i * BAR_ROW + 2,
            round(span * count / top, 1),
            f"{count} ({100 * count / whole:.1f} %)" if whole else "0",
        )
        for i, (label, count) in enumerate(counts)
    ]
    return BarChart(title, bars)
