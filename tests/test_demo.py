"""The demo shop: its shape, its purchase patterns, its feedback, and that it fills only a new hub.

Building the demo takes a few seconds, so one test builds it and checks its whole shape.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from hub.catalog.models import Customer, Order, OrderLine, Product, Refund
from hub.config import Settings
from hub.demo import DemoError, DemoSummary, build_demo, database_is_empty
from hub.demo.context import Demo
from hub.demo.generator import plan_demo
from hub.invites.models import Invitation
from hub.reviews.models import ProductRating, Review
from hub.staff.models import StaffUser
from hub.staff.passwords import verify_password
from hub.surveys.models import SurveyResponse, SurveyRollup
from hub.triage.models import Case

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
PASSWORD = "demo password 42"


async def test_a_new_hub_is_empty(db: str) -> None:
    assert await database_is_empty()


async def test_it_refuses_a_hub_that_already_has_staff(db: str, settings: Settings) -> None:
    await StaffUser.create(email="alice@example.com", name="Alice", password_hash="x")
    with pytest.raises(DemoError):
        await build_demo(settings, admin_email="ada@example.com", admin_password=PASSWORD)
    assert await Customer.all().count() == 0


async def test_the_same_seed_and_clock_plan_the_same_shop(db: str) -> None:
    assert _fingerprint(_planned(seed=3)) == _fingerprint(_planned(seed=3))


async def test_the_demo_fills_an_empty_hub_with_a_believable_shop(db: str, settings: Settings) -> None:
    summary = await build_demo(settings, admin_email="ada@example.com", admin_password=PASSWORD, now=NOW)

    await _check_counts(summary)
    await _check_purchase_patterns()
    await _check_orders()
    await _check_reviews()
    await _check_product_ratings()
    await _check_surveys()
    await _check_cases()
    await _check_staff()
    assert not await database_is_empty()
    with pytest.raises(DemoError):
        await build_demo(settings, admin_email="ada@example.com", admin_password=PASSWORD)


async def _check_counts(summary: DemoSummary) -> None:
    assert summary.products == await Product.all().count() >= 40
    assert summary.customers == await Customer.all().count() >= 800
    assert summary.orders == await Order.all().count() >= 2500
    assert summary.reviews == await Review.all().count() > 0
    assert summary.survey_responses == await SurveyResponse.all().count() > 0
    assert summary.cases == await Case.all().count() > 0
    assert summary.staff == await StaffUser.all().count() == 5


async def _check_purchase_patterns() -> None:
    placed: dict[int, list[datetime]] = defaultdict(list)
    for customer_id, placed_at in await Order.all().values_list("customer_id", "placed_at"):
        placed[customer_id].append(placed_at)
    counts = [len(dates) for dates in placed.values()]
    assert 0.5 < counts.count(1) / len(counts) < 0.65, "one-time buyers are the majority"
    assert sum(1 for n in counts if n >= 3) >= 50, "regulars buy again and again"
    quiet = [d for d in placed.values() if len(d) >= 2 and max(d) < NOW - timedelta(days=180)]
    assert len(quiet) >= 20, "some regulars went quiet"
    assert sum(1 for d in placed.values() if min(d) > NOW - timedelta(days=90)) >= 20


async def _check_orders() -> None:
    orders = await Order.all()
    first, last = min(o.placed_at for o in orders), max(o.placed_at for o in orders)
    assert NOW - timedelta(days=731) <= first < NOW - timedelta(days=700)
    assert NOW - timedelta(days=3) < last <= NOW
    assert _holiday_months_are_busiest(orders)
    assert all(o.fulfilled_at > o.placed_at for o in orders if o.fulfilled_at)
    assert all(o.delivered_at > o.fulfilled_at for o in orders if o.delivered_at and o.fulfilled_at)
    assert any(o.delivered_at is None for o in orders), "the latest orders are on their way"
    assert any(o.refunded_at for o in orders) and any(o.cancelled_at for o in orders)
    refunds = {r.order_id: r.amount for r in await Refund.all()}
    assert refunds == {o.id: o.total for o in orders if o.refunded_at}
    assert all(o.refunded_total == o.total and not o.is_purchase for o in orders if o.refunded_at)
    assert any(o.referral_code for o in orders)
    await _check_totals(orders)
    assert await Invitation.filter(status="scheduled").count() > 0
    assert await Invitation.filter(status="completed").count() > 0


def _holiday_months_are_busiest(orders: list[Order]) -> bool:
    per_month = Counter((o.placed_at.year, o.placed_at.month) for o in orders)
    full_months = {m: n for m, n in per_month.items() if m != (NOW.year, NOW.month)}
    holiday = [n for (_, month), n in full_months.items() if month in (11, 12)]
    other = [n for (_, month), n in full_months.items() if month not in (11, 12)]
    return sum(holiday) / len(holiday) > 1.2 * sum(other) / len(other)


async def _check_totals(orders: list[Order]) -> None:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    lines = await OrderLine.all().values_list("order_id", "quantity", "unit_price")
    for order_id, quantity, unit_price in lines:
        totals[order_id] += quantity * unit_price
    assert all(o.total == totals[o.id] and o.currency == "USD" for o in orders)
    assert {len(o) for o in _lines_per_order(lines).values()} == {1, 2, 3, 4}


def _lines_per_order(lines: list[tuple[int, int, Decimal]]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for order_id, quantity, _ in lines:
        found[order_id].append(quantity)
    return found


async def _check_reviews() -> None:
    reviews = await Review.all()
    ratings = Counter(r.rating for r in reviews)
    assert set(ratings) == {1, 2, 3, 4, 5}
    assert 0.5 < ratings[5] / len(reviews) < 0.7
    assert {r.flagged for r in reviews} == {True, False}
    assert {"negative", "positive"} <= {r.sentiment_label for r in reviews}
    assert any(r.rating == 5 and r.flagged for r in reviews), "a misclick: five stars, angry text"
    assert any("urgent" in r.flag_reasons for r in reviews)
    assert {"published", "pending", "rejected", "spam"} == {r.status for r in reviews}
    assert all(r.verified_buyer and r.source == "invitation" for r in reviews)
    await _check_reviews_follow_delivery(reviews)


async def _check_reviews_follow_delivery(reviews: list[Review]) -> None:
    delivered = dict(await Order.filter(delivered_at__not_isnull=True).values_list("id", "delivered_at"))
    assert all(r.submitted_at > delivered[r.order_id] for r in reviews)  # type: ignore[attr-defined]
    delivered_lines = await OrderLine.filter(order_id__in=list(delivered)).count()
    assert 0.35 <= len(reviews) / delivered_lines <= 0.45


async def _check_product_ratings() -> None:
    expected: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    for product_id, rating in await Review.filter(status="published").values_list("product_id", "rating"):
        expected[product_id][rating - 1] += 1
    rows = await ProductRating.all()
    assert len(rows) == await Product.all().count()
    for row in rows:
        histogram = expected[row.product_id]  # type: ignore[attr-defined]
        assert row.histogram == histogram and row.count == sum(histogram)
        assert row.rating_sum == sum(stars * n for stars, n in enumerate(histogram, 1))


async def _check_surveys() -> None:
    scores = set(await SurveyResponse.filter(nps__not_isnull=True).values_list("nps", flat=True))
    assert scores == set(range(11)), "promoters, passives and detractors all answered"
    assert await SurveyResponse.filter(flagged=True).count() > 0
    filed = await SurveyRollup.filter(segment="", question_id=0).values_list("answers", flat=True)
    assert sum(filed) == await SurveyResponse.all().count(), "the results count every demo answer"


async def _check_cases() -> None:
    flagged = Review.filter(flagged=True).exclude(status="spam")
    flagged_reviews = set(await flagged.values_list("id", flat=True))
    flagged_answers = set(await SurveyResponse.filter(flagged=True).values_list("id", flat=True))
    cases = await Case.all()
    assert {c.review_id for c in cases if c.review_id} == flagged_reviews  # type: ignore[attr-defined]
    answered = {c.survey_response_id for c in cases if c.survey_response_id}  # type: ignore[attr-defined]
    assert answered == flagged_answers
    statuses = {c.status for c in cases}
    assert {"open", "resolved", "closed"} <= statuses
    assert any(c.status in ("open", "pending") and c.resolution_due_at < NOW for c in cases)
    assert any(c.recovery_csat for c in cases)
    assert all(c.first_response_due_at <= c.resolution_due_at for c in cases)
    # Written in bulk, yet every case knows its next deadline (the queue sorts and filters on it).
    assert all(c.breach_at is not None and c.breach_at == c.next_breach() for c in cases)


async def _check_staff() -> None:
    staff = {s.email: s for s in await StaffUser.all()}
    assert staff["ada@example.com"].roles == "admin"
    assert staff["ada@example.com"].name == "Ada Admin"
    assert sorted(s.roles for s in staff.values()) == [
        "admin", "agent", "agent", "moderator", "moderator agent",
    ]  # fmt: skip
    assert all(verify_password(s.password_hash, PASSWORD) for s in staff.values())


def _planned(seed: int) -> Demo:
    demo = Demo(Settings(), NOW, random.Random(seed))
    plan_demo(demo, "ada@example.com", ["hash"] * 5, {})
    return demo


def _fingerprint(demo: Demo) -> tuple[object, ...]:
    return (
        [(c.email, c.created_at) for c in demo.all(Customer)],
        [(o.external_id, o.placed_at, o.total) for o in demo.all(Order)],
        [(r.rating, r.title, r.body, r.submitted_at) for r in demo.all(Review)],
        [(c.status, c.priority, c.created_at) for c in demo.all(Case)],
    )
