"""What every step of the demo generator shares: settings, the clock, the dice, the rows."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from tortoise.models import Model

from hub.config import Settings

M = TypeVar("M", bound=Model)


@dataclass
class Demo:
    """The demo under construction; rows get their ids here, before they are written."""

    settings: Settings
    now: datetime
    rng: random.Random
    next_ids: dict[type[Model], int] = field(default_factory=dict)
    rows: dict[type[Model], list[Model]] = field(default_factory=lambda: defaultdict(list))

    def add(self, model: type[M], **values: Any) -> M:
        """A new `model` row with the next free id of its table, queued for writing."""
        pk = self.next_ids.get(model, 1)
        self.next_ids[model] = pk + 1
        row = model(id=pk, **values)
        self.rows[model].append(row)
        return row

    def all(self, model: type[M]) -> list[M]:
        return self.rows[model]  # type: ignore[return-value]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def days(self, low: float, high: float) -> timedelta:
        return timedelta(days=self.rng.uniform(low, high))

    def weighted(self, choices: dict[str, float]) -> str:
        return self.rng.choices(list(choices), weights=list(choices.values()))[0]
