"""The advocate score: 0–100, the sum of capped parts, each shown with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hub.advocacy.facts import CustomerFacts
from hub.config import DEFAULT_SCORE_WEIGHTS

RECENCY_HORIZON_DAYS = 365
FREQUENT_ORDERS = 6
VALUABLE_SPEND = Decimal("1000")
MANY_REVIEWS = 5
LONG_REVIEW_CHARS = 300
MANY_PHOTO_REVIEWS = 3
MANY_HELPFUL_VOTES = 10
MANY_REFERRALS = 3
MANY_ANSWERS = 3


@dataclass(frozen=True)
class ScorePart:
    name: str
    raw: float
    points: float
    max_points: int
    explanation: str


def _scaled(raw: float, full_at: float, max_points: int) -> float:
    return round(max_points * min(max(raw, 0) / full_at, 1.0), 1) if full_at else 0.0


def _recency(facts: CustomerFacts, today: date, max_points: int) -> ScorePart:
    last = facts.stage.last_order_on
    days = (today - last).days if last else RECENCY_HORIZON_DAYS
    points = _scaled(RECENCY_HORIZON_DAYS - days, RECENCY_HORIZON_DAYS, max_points)
    explanation = f"days since the last order; 0 points after {RECENCY_HORIZON_DAYS}"
    return ScorePart("recency", days, points, max_points, explanation)


def _average_chars(facts: CustomerFacts) -> float:
    return facts.review_chars / facts.reviews if facts.reviews else 0.0


EXPLANATIONS = {
    "frequency": f"orders in the last 12 months; full points at {FREQUENT_ORDERS}",
    "value": f"spent on orders not refunded; full points at {VALUABLE_SPEND}",
    "reviews": f"reviews written; full points at {MANY_REVIEWS}",
    "review length": f"average characters a review; full points at {LONG_REVIEW_CHARS}",
    "photos": f"reviews with photos; full points at {MANY_PHOTO_REVIEWS}",
    "helpful votes": f"helpful votes on published reviews; full points at {MANY_HELPFUL_VOTES}",
    "promoter": "answered 9 or 10 to the NPS question",
    "referrals": f"referred customers who bought; full points at {MANY_REFERRALS}",
    "answers": f"published answers to other shoppers' questions; full points at {MANY_ANSWERS}",
}


def _part(name: str, raw: float, full_at: float, max_points: int) -> ScorePart:
    return ScorePart(name, raw, _scaled(raw, full_at, max_points), max_points, EXPLANATIONS[name])


def score_parts(
    facts: CustomerFacts, today: date, weights: Mapping[str, int] = DEFAULT_SCORE_WEIGHTS
) -> list[ScorePart]:
    """Every part of the score, in the order they are shown; ``weights`` (``HUB_SCORE_WEIGHTS``)
    gives each part's points at most."""
    orders = facts.stage.orders_in_window
    return [
        _recency(facts, today, weights["recency"]),
        _part("frequency", orders, FREQUENT_ORDERS, weights["frequency"]),
        _part("value", float(facts.value), float(VALUABLE_SPEND), weights["value"]),
        _part("reviews", facts.reviews, MANY_REVIEWS, weights["reviews"]),
        _part("review length", round(_average_chars(facts)), LONG_REVIEW_CHARS, weights["review_length"]),
        _part("photos", facts.photo_reviews, MANY_PHOTO_REVIEWS, weights["photos"]),
        _part("helpful votes", facts.helpful_votes, MANY_HELPFUL_VOTES, weights["helpful_votes"]),
        _part("promoter", min(facts.promoter_answers, 1), 1, weights["promoter"]),
        _part("referrals", facts.counted_referrals, MANY_REFERRALS, weights["referrals"]),
        _part("answers", facts.answers, MANY_ANSWERS, weights["answers"]),
    ]


def total_score(parts: list[ScorePart]) -> int:
    return min(100, round(sum(part.points for part in parts)))


def advocate_score(
    facts: CustomerFacts, today: date, weights: Mapping[str, int] = DEFAULT_SCORE_WEIGHTS
) -> int:
    return total_score(score_parts(facts, today, weights))
