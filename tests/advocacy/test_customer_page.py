"""The customer page: stage history, orders, reviews, answers, score breakdown, badges, points."""

from __future__ import annotations

from datetime import timedelta

import httpx

from hub.advocacy.facts import gather_facts
from hub.advocacy.models import Award, PointsEntry, StageSnapshot
from hub.advocacy.score import score_parts, total_score
from hub.advocacy.stages import Thresholds
from tests.advocacy.conftest import NOW, TODAY, ago
from tests.conftest import make_customer, make_order


async def test_the_score_has_every_part_with_its_weight(db: str) -> None:
    customer = await make_customer(created=NOW - timedelta(days=100))
    await make_order(customer, placed_at=NOW, total="1000.00")
    [facts] = await gather_facts(customer.id, customer.id, TODAY, Thresholds())
    parts = score_parts(facts, TODAY)
    assert sum(p.max_points for p in parts) == 100
    named = {p.name: p for p in parts}
    assert named["recency"].points == 15 and named["value"].points == 10
    assert named["frequency"].raw == 1 and named["referrals"].points == 0
    assert total_score(parts) == round(15 + 10 / 6 + 10)


async def test_published_answers_to_shoppers_count_toward_the_score(db: str) -> None:
    from hub.catalog.models import Product
    from hub.community.models import Answer, Question

    customer = await make_customer(created=NOW - timedelta(days=100))
    product = await Product.create(external_id="SKU-Q", name="Tent")
    question = await Question.create(
        product=product, asker_email="ask@example.org", body="Waterproof?", status="published"
    )
    for status in ("published", "published", "pending"):
        await Answer.create(
            question=question,
            customer=customer,
            body="Yes, it is.",
            status=status,
            created_at=NOW - timedelta(days=1),
        )
    [facts] = await gather_facts(customer.id, customer.id, TODAY, Thresholds())
    answers = {p.name: p for p in score_parts(facts, TODAY)}["answers"]
    assert (answers.raw, answers.points, answers.max_points) == (2, round(5 * 2 / 3, 1), 5)


async def test_the_page_shows_the_whole_customer(client: httpx.AsyncClient, login, bob) -> None:  # type: ignore[no-untyped-def]
    customer = await make_customer("Pat Person", stage="loyal")
    await make_order(customer, placed_at=ago(3), total="42.00")
    await StageSnapshot.create(customer=customer, day=TODAY, stage="loyal")
    await Award.create(customer=customer, badge="photo_pro")
    await PointsEntry.create(customer=customer, points=100, reason="badge:photo_pro")
    await login(bob)
    page = await client.get(f"/admin/customers/{customer.id}")
    assert page.status_code == 200
    for text in ("Pat Person", "42.00", "Photo pro", "recency", "Stage history", "100"):
        assert text in page.text


async def test_an_unknown_customer_is_not_found(db: str, client: httpx.AsyncClient, login, bob) -> None:  # type: ignore[no-untyped-def]
    await login(bob)
    assert (await client.get("/admin/customers/999")).status_code == 404


async def test_the_page_says_which_orders_were_refunded_or_cancelled(
    client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    customer = await make_customer("Pat Person")
    await make_order(customer, placed_at=ago(9), total="42.00", external_id="A-1", refunded_total="12.00")
    await make_order(
        customer, placed_at=ago(8), external_id="A-2", refunded_total="100.00", refunded_at=ago(2)
    )
    await make_order(customer, placed_at=ago(7), external_id="A-3", cancelled_at=ago(6))
    await login(bob)
    page = await client.get(f"/admin/customers/{customer.id}")
    assert "Order A-1: 42.00 USD (12.00 USD refunded)" in page.text
    assert "Order A-2: 100.00 USD (refunded in full)" in page.text
    assert "Order A-3: 100.00 USD (cancelled)" in page.text
