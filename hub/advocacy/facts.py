"""Per-customer facts as of one day, read with one grouped query per fact over a range of ids.

Cancelled orders never count. Reviews, answers and referrals count from the moment they
were submitted; a review's helpful votes are today's count (votes keep no history).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hub.advocacy.sql import fetch
from hub.advocacy.stages import StageFacts, Thresholds
from hub.catalog.models import kept_revenue_sql, purchase_sql
from hub.reviews.models import public_sql


@dataclass
class CustomerFacts:
    customer_id: int
    stage: StageFacts
    value: Decimal = Decimal("0")
    reviews: int = 0
    review_chars: int = 0
    photo_reviews: int = 0
    helpful_votes: int = 0
    promoter_answers: int = 0
    counted_referrals: int = 0
    answers: int = 0
    extras: dict[str, Any] = field(default_factory=dict)


def end_of(day: date) -> datetime:
    """The first instant after ``day`` (UTC): everything before it happened by that day."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_decimal(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal("0")


# A customer is known from the earlier of the row's creation and the first order: imported
# orders are older than the customers the import creates, and history starts with them.
_CUSTOMERS = """SELECT c.id,
  CASE WHEN f.first IS NOT NULL AND f.first < c.created_at THEN f.first ELSE c.created_at END
    AS created_at
  FROM customer c LEFT JOIN (SELECT customer_id, MIN(placed_at) AS first FROM orders
    WHERE customer_id BETWEEN ? AND ? GROUP BY customer_id) f ON f.customer_id = c.id
  WHERE c.id BETWEEN ? AND ? AND (c.created_at < ? OR f.first < ?)"""
# Purchases only (a cancelled or fully refunded order is none), worth what the shop kept.
_ORDERS = f"""SELECT customer_id, COUNT(*) AS n, MIN(placed_at) AS first, MAX(placed_at) AS last,
  SUM({kept_revenue_sql()}) AS value, SUM(CASE WHEN placed_at >= ? THEN 1 ELSE 0 END) AS recent
  FROM orders WHERE customer_id BETWEEN ? AND ? AND {purchase_sql()} AND placed_at < ?
  GROUP BY customer_id"""  # noqa: S608  (constants only)
_REVIEWS = f"""SELECT customer_id, COUNT(*) AS n, SUM(LENGTH(body)) AS chars,
  SUM(CASE WHEN has_photos THEN 1 ELSE 0 END) AS photos,
  SUM(CASE WHEN {public_sql()} THEN helpful_count ELSE 0 END) AS helpful,
  SUM(CASE WHEN {public_sql()} AND rating >= ? AND (helpful_count > 0 OR has_photos)
      THEN 1 ELSE 0 END) AS praised
  FROM review WHERE customer_id BETWEEN ? AND ? AND submitted_at < ?
  AND status NOT IN ('spam', 'rejected') GROUP BY customer_id"""  # noqa: S608  (constants only)
_PROMOTERS = """SELECT customer_id, COUNT(*) AS n FROM survey_response
  WHERE customer_id BETWEEN ? AND ? AND nps >= ? AND submitted_at < ? GROUP BY customer_id"""
_ANSWERS = f"""SELECT customer_id, COUNT(*) AS n FROM answer
  WHERE customer_id BETWEEN ? AND ? AND {public_sql()} AND created_at < ?
  GROUP BY customer_id"""  # noqa: S608  (constants only)
_REFERRALS = """SELECT referrer_id AS customer_id, COUNT(*) AS n FROM referral
  WHERE referrer_id BETWEEN ? AND ? AND outcome = 'counted' AND created_at < ?
  GROUP BY referrer_id"""


async def customer_id_bounds() -> tuple[int, int]:
    rows = await fetch("SELECT MIN(id) AS low, MAX(id) AS high FROM customer")
    return int(rows[0]["low"] or 0), int(rows[0]["high"] or -1)


async def gather_facts(low: int, high: int, day: date, limits: Thresholds) -> list[CustomerFacts]:
    """Facts of the customers with ids in ``low..high`` who existed on ``day``."""
    cutoff = end_of(day)
    customers = await fetch(_CUSTOMERS, (low, high, low, high, cutoff, cutoff))
    window_start = cutoff - timedelta(days=limits.loyal_window_days)
    orders = _by_customer(await fetch(_ORDERS, (window_start, low, high, cutoff)))
    reviews = _by_customer(await fetch(_REVIEWS, (limits.positive_rating, low, high, cutoff)))
    promoters = _by_customer(await fetch(_PROMOTERS, (low, high, limits.promoter_nps, cutoff)))
    referrals = _by_customer(await fetch(_REFERRALS, (low, high, cutoff)))
    answers = _by_customer(await fetch(_ANSWERS, (low, high, cutoff)))
    facts = [_facts(row, orders, reviews, promoters, referrals) for row in customers]
    for fact in facts:
        fact.answers = int(answers.get(fact.customer_id, {}).get("n", 0))
    return facts


def _by_customer(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(row["customer_id"]): row for row in rows}


def _facts(
    customer: dict[str, Any],
    orders: dict[int, dict[str, Any]],
    reviews: dict[int, dict[str, Any]],
    promoters: dict[int, dict[str, Any]],
    referrals: dict[int, dict[str, Any]],
) -> CustomerFacts:
    cid = int(customer["id"])
    bought, wrote = orders.get(cid, {}), reviews.get(cid, {})
    promoted, referred = int(promoters.get(cid, {}).get("n", 0)), int(referrals.get(cid, {}).get("n", 0))
    stage = StageFacts(
        created_on=as_date(customer["created_at"]),
        orders=int(bought.get("n", 0)),
        orders_in_window=int(bought.get("recent") or 0),
        first_order_on=as_date(bought["first"]) if bought else None,
        last_order_on=as_date(bought["last"]) if bought else None,
        promoter=promoted > 0,
        praised_reviews=int(wrote.get("praised") or 0),
        counted_referrals=referred,
    )
    return CustomerFacts(
        cid,
        stage,
        value=as_decimal(bought.get("value")),
        reviews=int(wrote.get("n", 0)),
        review_chars=int(wrote.get("chars") or 0),
        photo_reviews=int(wrote.get("photos") or 0),
        helpful_votes=int(wrote.get("helpful") or 0),
        promoter_answers=promoted,
        counted_referrals=referred,
    )
