"""Stage movement from the snapshots: counts over time, and who moved where between two dates.

Each date is read from the nearest snapshot taken on or before it. A customer without a
snapshot on the first date (they were not a customer yet) comes from ``none``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from hub.advocacy.facts import as_date
from hub.advocacy.models import Stage, StageSnapshot
from hub.advocacy.sql import fetch

STAGES = [
    s.value for s in (Stage.NEW, Stage.ACTIVE, Stage.LOYAL, Stage.ADVOCATE, Stage.AT_RISK, Stage.DORMANT)
]
NOT_YET = "none"
RANK = {
    Stage.DORMANT.value: 0,
    Stage.AT_RISK.value: 1,
    Stage.NEW.value: 2,
    Stage.ACTIVE.value: 3,
    Stage.LOYAL.value: 4,
    Stage.ADVOCATE.value: 5,
}

_COUNTS = "SELECT day, stage, COUNT(*) AS n FROM stage_snapshot GROUP BY day, stage ORDER BY day"
_MOVES = """SELECT COALESCE(a.stage, 'none') AS from_stage, b.stage AS to_stage, COUNT(*) AS n
  FROM stage_snapshot b LEFT JOIN stage_snapshot a ON a.customer_id = b.customer_id AND a.day = ?
  WHERE b.day = ? GROUP BY 1, 2"""


@dataclass(frozen=True)
class Move:
    from_stage: str
    to_stage: str
    customers: int

    def sentence(self, since: date) -> str:
        who = f"{self.customers} {_label(self.from_stage)} customer{'s' if self.customers != 1 else ''}"
        return f"{who} {_verb(self.from_stage, self.to_stage)} since {since.isoformat()}"


def _label(stage: str) -> str:
    return "newly arrived" if stage == NOT_YET else stage.replace("_", "-")


def _verb(before: str, after: str) -> str:
    if before == NOT_YET:
        return f"arrived and are now {_label(after)}"
    if before in (Stage.DORMANT.value, Stage.AT_RISK.value) and RANK[after] > RANK[before]:
        return f"came back (now {_label(after)})"
    if after == Stage.DORMANT.value:
        return "went dormant"
    return f"{'moved up' if RANK[after] > RANK[before] else 'slipped'} to {_label(after)}"


@dataclass(frozen=True)
class Matrix:
    asked_from: date
    asked_to: date
    from_day: date | None
    to_day: date | None
    cells: dict[tuple[str, str], int]

    def count(self, before: str, after: str) -> int:
        return self.cells.get((before, after), 0)

    @property
    def main_moves(self) -> list[Move]:
        moves = [Move(a, b, n) for (a, b), n in self.cells.items() if a != b and n]
        return sorted(moves, key=lambda m: (-m.customers, m.from_stage, m.to_stage))[:5]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.asked_from.isoformat(),
            "to": self.asked_to.isoformat(),
            "from_snapshot": _iso(self.from_day),
            "to_snapshot": _iso(self.to_day),
            "moves": [
                {"from_stage": a, "to_stage": b, "customers": n} for (a, b), n in sorted(self.cells.items())
            ],
            "main_moves": [m.sentence(self.from_day or self.asked_from) for m in self.main_moves],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def snapshot_on_or_before(day: date) -> date | None:
    found = await StageSnapshot.filter(day__lte=day).order_by("-day").first().values_list("day", flat=True)
    return as_date(found) if found else None


async def matrix(asked_from: date, asked_to: date) -> Matrix:
    from_day, to_day = await snapshot_on_or_before(asked_from), await snapshot_on_or_before(asked_to)
    cells: dict[tuple[str, str], int] = {}
    if to_day is not None:
        for row in await fetch(_MOVES, (from_day or date.min, to_day)):
            cells[(row["from_stage"], row["to_stage"])] = int(row["n"])
    return Matrix(asked_from, asked_to, from_day, to_day, cells)


@dataclass(frozen=True)
class StageSeries:
    days: list[date]
    counts: dict[str, list[int]]

    @property
    def peak(self) -> int:
        return max((n for series in self.counts.values() for n in series), default=0)

    def as_dict(self) -> dict[str, Any]:
        return {"days": [d.isoformat() for d in self.days], "counts": self.counts}


async def stage_series() -> StageSeries:
    by_day: dict[date, dict[str, int]] = defaultdict(dict)
    for row in await fetch(_COUNTS):
        by_day[as_date(row["day"])][row["stage"]] = int(row["n"])
    days = sorted(by_day)
    return StageSeries(days, {s: [by_day[d].get(s, 0) for d in days] for s in STAGES})


async def movers(from_day: date, to_day: date, before: str, after: str) -> list[int]:
    """Ids of the customers in stage ``before`` on ``from_day`` and ``after`` on ``to_day``."""
    now_there = StageSnapshot.filter(day=to_day, stage=after)
    ids = cast("list[int]", await now_there.values_list("customer_id", flat=True))
    if before == NOT_YET:
        earlier = await StageSnapshot.filter(day=from_day).values_list("customer_id", flat=True)
        were = set(cast("list[int]", earlier))
        return [i for i in ids if i not in were]
    was = StageSnapshot.filter(day=from_day, stage=before, customer_id__in=ids)
    return cast("list[int]", await was.values_list("customer_id", flat=True))
