"""The figures a scale question adds up to (NPS, CSAT, mean effort), each with its 95 % margin.

A measure reads one group of answers as running totals: how many gave each number
(`counts`), their sum and their sum of squares, which is what `SurveyRollup` keeps.

- **NPS** (0–10): each answer scores +1 (9–10), 0 (7–8) or −1 (0–6); NPS is 100 × their
  mean, and its margin 1.96 × the standard error of that mean:
  100 · 1.96 · √((p₊ + p₋ − (p₊ − p₋)²) / n).
- **CSAT** (1–5): the share answering 4 or 5; its interval is Wilson's score interval
  at 95 %, which stays inside 0–100 % for small groups and shares near 100 %.
- **Mean** (effort 1–7, rating 1–5): the mean ± 1.96 · s / √n, s the sample deviation.

Two periods differ beyond noise when their difference exceeds 1.96 · √(se₁² + se₂²), the
standard errors of the two figures (for CSAT the normal one, √(p(1 − p)/n)).

Which kind is read by which measure is `MEASURES`, keyed by the question's kind, so a new
kind is one line here (and its scale in `hub.surveys.surveys.SCALES`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Z = 1.96


@dataclass(frozen=True)
class Totals:
    counts: Mapping[int, int]  # number given -> how many gave it
    answers: int
    total: int
    squares: int


@dataclass(frozen=True)
class Figure:
    """A measure of `answers` answers: `value` inside [low, high] at 95 %; `se` its standard error."""

    value: float | None
    low: float | None
    high: float | None
    se: float | None
    answers: int

    @property
    def margin(self) -> float | None:
        """Half the interval's width (the "±" shown beside the value)."""
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2


NONE = Figure(None, None, None, None, 0)


def nps(t: Totals) -> Figure:
    if not t.answers:
        return NONE
    promoters = sum(c for n, c in t.counts.items() if n >= 9) / t.answers
    detractors = sum(c for n, c in t.counts.items() if n <= 6) / t.answers
    mean = promoters - detractors
    se = 100 * math.sqrt(max(promoters + detractors - mean**2, 0.0) / t.answers)
    value = 100 * mean
    return Figure(value, value - Z * se, value + Z * se, se, t.answers)


def satisfied(t: Totals) -> Figure:
    if not t.answers:
        return NONE
    n, p = t.answers, sum(c for k, c in t.counts.items() if k >= 4) / t.answers
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return Figure(100 * p, 100 * (centre - half), 100 * (centre + half), 100 * math.sqrt(p * (1 - p) / n), n)


def mean(t: Totals) -> Figure:
    if not t.answers:
        return NONE
    n, average = t.answers, t.total / t.answers
    if n < 2:
        return Figure(average, None, None, None, n)
    deviation = math.sqrt(max(t.squares - t.total**2 / n, 0.0) / (n - 1))
    se = deviation / math.sqrt(n)
    return Figure(average, average - Z * se, average + Z * se, se, n)


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    figure: Callable[[Totals], Figure]
    floor: float  # the chart's axis
    peak: float
    unit: str
    help: str

    def words(self, value: float) -> str:
        return f"{value:+.0f}" if self.name == "nps" else f"{value:.1f}{self.unit}"


MEASURES: dict[str, Measure] = {
    "nps": Measure(
        "nps", "NPS", nps, -100, 100, "", "promoters (9–10) minus detractors (0–6), ± 1.96 standard errors"
    ),
    "csat": Measure("csat", "CSAT", satisfied, 0, 100, " %", "share answering 4–5, Wilson 95 % interval"),
    "effort": Measure("effort", "Effort", mean, 1, 7, "", "mean effort (1–7), ± 1.96 · s / √n"),
}


@dataclass(frozen=True)
class Change:
    """This period against the previous one of the same length."""

    current: Figure
    previous: Figure

    @property
    def difference(self) -> float | None:
        if self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value

    @property
    def margin(self) -> float | None:
        """1.96 standard errors of the difference; None when either side has too few answers."""
        if self.current.se is None or self.previous.se is None:
            return None
        return Z * math.sqrt(self.current.se**2 + self.previous.se**2)

    @property
    def beyond_noise(self) -> bool:
        difference, margin = self.difference, self.margin
        return difference is not None and margin is not None and abs(difference) > margin
