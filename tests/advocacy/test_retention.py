"""Retention figures, each checked against the same figure worked out by hand on a small shop.

The shop, for the period 2025-01-01 … 2025-06-30 (181 days):
Ann orders twice in it (100 + 50), Ben once (200; a second order was cancelled), Dee once (40,
after an order in December), and Cal last ordered in October 2024.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from hub.advocacy.retention import Period, retention
from hub.config import Settings
from tests.advocacy.conftest import api_headers
from tests.conftest import make_customer, make_order

PERIOD = Period(date(2025, 1, 1), date(2025, 6, 30))
YEARS = 181 / 365.25


def on(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC)


@pytest.fixture
async def shop(db: str) -> None:
    ann, ben = await make_customer("Ann"), await make_customer("Ben")
    cal, dee = await make_customer("Cal"), await make_customer("Dee")
    await make_order(ann, placed_at=on("2025-01-10"), total="100.00")
    await make_order(ann, placed_at=on("2025-02-10"), total="50.00")
    await make_order(ben, placed_at=on("2025-03-05"), total="200.00")
    await make_order(ben, placed_at=on("2025-04-01"), total="999.00", cancelled_at=on("2025-04-02"))
    await make_order(cal, placed_at=on("2024-10-01"), total="80.00")
    await make_order(dee, placed_at=on("2024-12-01"), total="60.00")
    await make_order(dee, placed_at=on("2025-05-01"), total="40.00")


async def test_repeat_rate_frequency_and_order_value(shop: None, settings: Settings) -> None:
    figures = await retention(settings, PERIOD)
    assert (figures.customers, figures.repeat_customers, figures.orders) == (3, 1, 4)
    assert figures.repeat_rate == pytest.approx(1 / 3)
    assert figures.frequency == pytest.approx(4 / 3)
    assert str(figures.average_order_value) == "97.50"


async def test_churn_counts_customers_active_at_the_start_and_dormant_at_the_end(
    shop: None, settings: Settings
) -> None:
    figures = await retention(settings, PERIOD)
    assert (figures.active_at_start, figures.churned) == (2, 1)  # Cal and Dee; Cal left
    assert figures.churn_rate == pytest.approx(0.5)


async def test_lifespan_is_estimated_as_one_over_yearly_churn(shop: None, settings: Settings) -> None:
    figures = await retention(settings, PERIOD)
    assert figures.lifespan_years == pytest.approx(round(YEARS / 0.5, 2))


async def test_lifetime_value_is_order_value_times_yearly_frequency_times_lifespan(
    shop: None, settings: Settings
) -> None:
    settings = settings.with_overrides(lifespan_years=2.0)
    figures = await retention(settings, PERIOD)
    assert figures.lifespan_source == "settings"
    assert float(figures.lifetime_value or 0) == pytest.approx(97.5 * (4 / 3) / YEARS * 2, abs=0.01)


async def test_cohorts_follow_each_first_order_month(shop: None, settings: Settings) -> None:
    cohorts = (await retention(settings, PERIOD)).cohorts
    assert [(row.month, row.size, row.active) for row in cohorts] == [
        ("2025-01", 1, [1, 1]),
        ("2025-03", 1, [1]),
    ]


async def test_the_api_gives_the_same_figures(shop: None, client: httpx.AsyncClient) -> None:
    answer = await client.get(
        "/api/v1/metrics/retention?from=2025-01-01&to=2025-06-30", headers=await api_headers()
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["orders"] == 4 and body["average_order_value"] == "97.50"
    assert body["repeat_customer_rate"] == pytest.approx(1 / 3)
    assert "formula" in body["customer_lifetime_value"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2025-13-01", "from"), ("to=yesterday", "to"), ("from=2025-06-01&to=2025-01-01", "from")],
)
async def test_the_api_names_a_bad_date(db: str, client: httpx.AsyncClient, query: str, field: str) -> None:
    answer = await client.get(f"/api/v1/metrics/retention?{query}", headers=await api_headers())
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [e["path"] for e in answer.json()["errors"]] == [field]


async def test_the_api_needs_a_key_with_the_metrics_scope(db: str, client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/metrics/retention")).status_code == 401
    other = await api_headers(["orders:write"])
    assert (await client.get("/api/v1/metrics/retention", headers=other)).status_code == 403


async def test_the_page_shows_the_figures_and_the_formula(
    shop: None, client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    await login(bob)
    page = await client.get("/admin/retention?from=2025-01-01&to=2025-06-30")
    assert page.status_code == 200
    assert "97.50" in page.text and "Lifetime value = average order value" in page.text
    assert "2025-01" in page.text
