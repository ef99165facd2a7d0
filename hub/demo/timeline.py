"""When demo customers buy: one-off buyers, regulars, lapsed regulars and newcomers.

Days are drawn with seasonality (November and December sell most, January least) and a
gently growing shop, so that the last months are a little busier than the first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.demo.context import Demo

HISTORY_DAYS = 730
DORMANT_AFTER_DAYS = 180
MONTH_WEIGHT = {
    1: 0.7,
    2: 0.75,
    3: 0.9,
    4: 1.0,
    5: 1.05,
    6: 1.1,
    7: 1.05,
    8: 1.0,
    9: 0.95,
    10: 1.05,
    11: 1.7,
    12: 2.0,
}
HOUR_WEIGHT = (1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 8, 9, 9, 8, 8, 8, 9, 10, 11, 11, 9, 6, 3)

# segment: share of customers
SEGMENTS = {"once": 0.52, "new": 0.08, "occasional": 0.15, "regular": 0.13, "lapsed": 0.12}


def order_dates(demo: Demo, segment: str) -> list[datetime]:
    """The moments a customer of `segment` placed their orders, oldest first."""
    planners = {"once": _once, "new": _new, "occasional": _occasional, "regular": _regular, "lapsed": _lapsed}
    days = sorted(planners[segment](demo))
    return [_moment(demo, day) for day in days]


def _once(demo: Demo) -> list[float]:
    return [_seasonal_day(demo, 0, HISTORY_DAYS)]


def _new(demo: Demo) -> list[float]:
    first = demo.rng.uniform(0.5, 90)
    if demo.chance(0.65) or first < 20:
        return [first]
    return [first, demo.rng.uniform(0.2, first - 14)]


def _occasional(demo: Demo) -> list[float]:
    count = demo.rng.choice((2, 2, 3, 3, 4, 5))
    return [_seasonal_day(demo, 0, HISTORY_DAYS) for _ in range(count)]


def _regular(demo: Demo) -> list[float]:
    start = demo.rng.uniform(120, HISTORY_DAYS)
    return _every_few_weeks(demo, start, end=0.5) + _holiday_extras(demo, start)


def _lapsed(demo: Demo) -> list[float]:
    start = demo.rng.uniform(420, HISTORY_DAYS)
    went_quiet = demo.rng.uniform(DORMANT_AFTER_DAYS + 15, min(start - 100, 480))
    return _every_few_weeks(demo, start, end=went_quiet)


def _every_few_weeks(demo: Demo, start: float, end: float) -> list[float]:
    """Days ago, from `start` down to no later than `end`, one to three months apart."""
    days = [start]
    while (following := days[-1] - demo.rng.uniform(28, 92)) > end:
        days.append(following)
    return days


def _holiday_extras(demo: Demo, start: float) -> list[float]:
    extras = []
    for december in _decembers(demo.now):
        ago = (demo.now - december).total_seconds() / 86400
        if 1 < ago < start and demo.chance(0.5):
            extras.append(ago - demo.rng.uniform(-25, 20))
    return [day for day in extras if 0.5 < day < start]


def _decembers(now: datetime) -> list[datetime]:
    return [
        now.replace(year=year, month=12, day=10, hour=12, minute=0, second=0, microsecond=0)
        for year in (now.year - 2, now.year - 1, now.year)
    ]


def _seasonal_day(demo: Demo, low: float, high: float) -> float:
    """A day `low`..`high` days ago, drawn by month weight and shop growth."""
    while True:
        ago = demo.rng.uniform(low, high)
        month = (demo.now - timedelta(days=ago)).month
        growth = 1.25 - 0.4 * ago / HISTORY_DAYS
        if demo.rng.random() * 2.5 < MONTH_WEIGHT[month] * growth:
            return ago


def _moment(demo: Demo, days_ago: float) -> datetime:
    day = (demo.now - timedelta(days=days_ago)).replace(hour=0, minute=0, second=0, microsecond=0)
    hour = demo.rng.choices(range(24), weights=HOUR_WEIGHT)[0]
    moment = day + timedelta(hours=hour, minutes=demo.rng.randrange(60), seconds=demo.rng.randrange(60))
    return min(moment, demo.now - timedelta(minutes=demo.rng.randrange(5, 600)))
