"""The one rule that gives a customer a stage, and the thresholds it reads.

Precedence, first match wins:

1. no orders: ``new`` when the customer was created less than ``new_days`` ago, else ``dormant``;
2. ``dormant``: the last order is ``dormant_days`` (180) or more days old;
3. ``advocate``: loyal, and at least one sign of advocacy — a published positive review
   (4–5 stars) that earned helpful votes or carries photos, an NPS answer of 9–10,
   or a referral that bought;
4. ``loyal``: at least ``loyal_orders`` (3) orders in the last ``loyal_window_days`` (365),
   or ``loyal_orders_with_promoter`` (2) and an NPS promoter answer;
5. ``at_risk``: two orders or more, and the last one is more than ``at_risk_factor`` (1.5)
   times the customer's own usual interval between orders ago;
6. ``new``: the first order is less than ``new_days`` (90) days old (day 89 is new, day 90 is not);
7. ``active``: the last order is less than ``active_days`` (120) days old;
8. otherwise ``at_risk``: past the active window, not yet dormant.

Days are whole calendar days between the order's date (UTC) and the as-of date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from hub.advocacy.models import Stage
from hub.config import DEFAULT_SCORE_WEIGHTS, Settings


@dataclass(frozen=True)
class Thresholds:
    """The ``stage_*`` settings (HUB_STAGE_*); the defaults are theirs."""

    new_days: int = Settings.stage_new_days
    active_days: int = Settings.stage_active_days
    dormant_days: int = Settings.stage_dormant_days
    loyal_window_days: int = Settings.stage_loyal_window_days
    loyal_orders: int = Settings.stage_loyal_orders
    loyal_orders_with_promoter: int = Settings.stage_loyal_orders_with_promoter
    at_risk_factor: float = Settings.stage_at_risk_factor
    promoter_nps: int = Settings.stage_promoter_nps
    positive_rating: int = Settings.stage_positive_rating
    # The advocate score's parts and their points (``HUB_SCORE_WEIGHTS``).
    score_weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_SCORE_WEIGHTS))

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        values = {
            f.name: getattr(settings, f"stage_{f.name}") for f in fields(cls) if f.name != "score_weights"
        }
        return cls(**values, score_weights=dict(settings.score_weights))


@dataclass(frozen=True)
class StageFacts:
    """What the stage rule needs to know about one customer, as of one day."""

    created_on: date
    orders: int = 0
    orders_in_window: int = 0
    first_order_on: date | None = None
    last_order_on: date | None = None
    promoter: bool = False
    praised_reviews: int = 0
    counted_referrals: int = 0

    @property
    def usual_interval_days(self) -> float | None:
        if self.orders < 2 or self.first_order_on is None or self.last_order_on is None:
            return None
        return (self.last_order_on - self.first_order_on).days / (self.orders - 1)

    @property
    def shows_advocacy(self) -> bool:
        return self.praised_reviews > 0 or self.promoter or self.counted_referrals > 0


def is_loyal(facts: StageFacts, limits: Thresholds) -> bool:
    if facts.orders_in_window >= limits.loyal_orders:
        return True
    return facts.promoter and facts.orders_in_window >= limits.loyal_orders_with_promoter


def is_overdue(facts: StageFacts, days_since_last: int, limits: Thresholds) -> bool:
    interval = facts.usual_interval_days
    return interval is not None and days_since_last > limits.at_risk_factor * interval


def stage_for(facts: StageFacts, today: date, limits: Thresholds) -> Stage:
    """The stage of a customer on ``today``; see the module docstring for the precedence."""
    if facts.last_order_on is None or facts.first_order_on is None:
        recent = (today - facts.created_on).days < limits.new_days
        return Stage.NEW if recent else Stage.DORMANT
    since_last = (today - facts.last_order_on).days
    if since_last >= limits.dormant_days:
        return Stage.DORMANT
    if is_loyal(facts, limits):
        return Stage.ADVOCATE if facts.shows_advocacy else Stage.LOYAL
    if is_overdue(facts, since_last, limits):
        return Stage.AT_RISK
    if (today - facts.first_order_on).days < limits.new_days:
        return Stage.NEW
    return Stage.ACTIVE if since_last < limits.active_days else Stage.AT_RISK
