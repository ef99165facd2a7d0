"""Daily snapshots by the worker, and history rebuilt from the orders."""

from __future__ import annotations

from datetime import date, timedelta

from hub.reviews.models import Review
from hub.surveys.models import Survey, SurveyResponse

from hub.advocacy.backfill import backfill, month_starts
from hub.advocacy.models import StageSnapshot
from hub.advocacy.snapshots import snapshot_stages
from hub.advocacy.stages import Thresholds
from hub.catalog.models import Customer
from hub.config import Settings
from tests.advocacy.conftest import NOW, TODAY, make_customer, make_order


async def test_the_snapshot_job_records_every_customer_once_a_day(db: str, settings: Settings) -> None:
    fresh = await make_customer("Fresh Fern", created=NOW - timedelta(days=400))
    await make_order(fresh, days_ago=5)
    quiet = await make_customer("Quiet Quinn", created=NOW - timedelta(days=400))
    await make_order(quiet, days_ago=200)

    assert await snapshot_stages(settings, NOW) == 2
    assert await snapshot_stages(settings, NOW) == 0
    rows = await StageSnapshot.filter(day=TODAY).order_by("customer_id").values_list("stage", flat=True)
    assert rows == ["new", "dormant"]
    fern = await Customer.get(id=fresh.id)
    assert fern.stage == "new" and fern.stage_since is not None and fern.advocate_score > 0


async def test_a_second_snapshot_of_the_same_day_updates_rather_than_duplicates(
    db: str, settings: Settings
) -> None:
    customer = await make_customer(created=NOW - timedelta(days=400))
    await make_order(customer, days_ago=200)
    await snapshot_stages(settings, NOW)
    await make_order(customer, days_ago=0)
    await Customer.filter(id=customer.id).update(name="Changed")
    await StageSnapshot.filter(day=TODAY).delete()
    await snapshot_stages(settings, NOW)
    await snapshot_stages(settings, NOW + timedelta(hours=1))
    assert await StageSnapshot.filter(customer_id=customer.id).values_list("stage", flat=True) == ["active"]


async def test_stage_since_moves_only_when_the_stage_changes(db: str, settings: Settings) -> None:
    customer = await make_customer(created=NOW - timedelta(days=400))
    await make_order(customer, days_ago=30)
    await snapshot_stages(settings, NOW - timedelta(days=1))
    first = (await Customer.get(id=customer.id)).stage_since
    await snapshot_stages(settings, NOW)
    assert (await Customer.get(id=customer.id)).stage_since == first


async def test_advocacy_signals_count_toward_the_stage(db: str, settings: Settings) -> None:
    customer = await make_customer("Ada Advocate", created=NOW - timedelta(days=400))
    for days in (10, 60, 120):
        order = await make_order(customer, days_ago=days)
    survey = await Survey.create(slug="post", name="After purchase")
    await SurveyResponse.create(
        survey=survey, customer=customer, order=order, nps=10, submitted_at=NOW - timedelta(days=5)
    )
    await snapshot_stages(settings, NOW)
    assert (await Customer.get(id=customer.id)).stage == "advocate"


async def test_cancelled_orders_do_not_count(db: str, settings: Settings) -> None:
    customer = await make_customer(created=NOW - timedelta(days=400))
    await make_order(customer, days_ago=200)
    await make_order(customer, days_ago=3, cancelled_at=NOW)
    await snapshot_stages(settings, NOW)
    assert (await Customer.get(id=customer.id)).stage == "dormant"


def test_backfill_takes_the_first_of_each_month_for_two_years_and_today() -> None:
    days = month_starts(date(2025, 6, 30))
    assert len(days) == 25
    assert days[0] == date(2023, 7, 1) and days[-2] == date(2025, 6, 1) and days[-1] == date(2025, 6, 30)


async def test_backfill_rebuilds_history_from_the_orders(db: str, settings: Settings) -> None:
    customer = await make_customer("Back Again", created=NOW - timedelta(days=800))
    await make_order(customer, days_ago=700)
    await make_order(customer, days_ago=20)
    later = await make_customer("Late Comer", created=NOW - timedelta(days=10))
    await make_order(later, days_ago=10)

    results = await backfill(TODAY, Thresholds())

    assert len(results) == 25
    history = dict(await StageSnapshot.filter(customer_id=customer.id).values_list("day", "stage"))
    assert history[date(2023, 8, 1)] == "new"
    assert history[date(2024, 6, 1)] == "dormant"
    assert history[TODAY] == "active"
    assert await StageSnapshot.filter(customer_id=later.id).count() == 1
    back = await Customer.get(id=customer.id)
    assert back.stage == "active" and back.stage_since is not None
    assert back.stage_since.date() == date(2025, 6, 30)


async def test_a_published_helpful_review_is_a_sign_of_advocacy(db: str, settings: Settings) -> None:
    from hub.catalog.models import Product

    customer = await make_customer(created=NOW - timedelta(days=400))
    product = await Product.create(external_id="P-tent", name="Trail Tent")
    orders = [await make_order(customer, days_ago=days) for days in (10, 40, 80)]
    await Review.create(
        product=product,
        customer=customer,
        order=orders[0],
        rating=5,
        body="Great",
        status="published",
        helpful_count=3,
        submitted_at=NOW - timedelta(days=5),
    )
    await snapshot_stages(settings, NOW)
    assert (await Customer.get(id=customer.id)).stage == "advocate"
