from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hub.config import Settings
from hub.staff.models import StaffUser
from hub.triage.filters import Cursor, QueueFilters
from hub.triage.models import Case
from hub.triage.queue import PAGE_SIZE, load_queue
from tests.conftest import NOW, log_in, make_customer, make_product
from tests.triage.conftest import make_case, post_action


async def _three_cases(settings: Settings, bob: StaffUser) -> list[Case]:
    tent = await make_product("Trail Tent")
    late = await make_case(
        settings,
        priority="urgent",
        reasons=("urgent", "negative_text"),
        now=NOW - timedelta(hours=10),
        product=tent,
    )
    soon = await make_case(settings, priority="high", reasons=("negative_text",), now=NOW)
    later = await make_case(settings, priority="low", reasons=("low_rating",), now=NOW, product=tent)
    await Case.filter(id=soon.id).update(assignee_id=bob.id)
    await Case.filter(id=later.id).update(status="pending")
    return [late, soon, later]


async def _ids(settings: Settings, bob: StaffUser, **params: str) -> list[int]:
    queue = await load_queue(QueueFilters.parse(params), bob, NOW)
    return [row.id for row in queue.rows]


async def test_it_sorts_open_cases_by_their_next_sla_deadline(settings: Settings, bob: StaffUser) -> None:
    late, soon, _ = await _three_cases(settings, bob)
    assert await _ids(settings, bob) == [late.id, soon.id]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "pending"}, [2]),
        ({"priority": "urgent"}, [0]),
        ({"reason": "negative_text"}, [0, 1]),
        ({"reason": "low_rating", "status": "pending"}, [2]),
        ({"assignee": "none"}, [0]),
        ({"mine": "1"}, [1]),
        ({"overdue": "1"}, [0]),
    ],
)
async def test_each_filter_shows_its_cases(
    settings: Settings, bob: StaffUser, params: dict[str, str], expected: list[int]
) -> None:
    cases = await _three_cases(settings, bob)
    assert await _ids(settings, bob, **params) == [cases[i].id for i in expected]


async def test_it_filters_by_product(settings: Settings, bob: StaffUser) -> None:
    late, _, _ = await _three_cases(settings, bob)
    assert await _ids(settings, bob, product=str(late.product_id)) == [late.id]  # type: ignore[attr-defined]


async def test_it_counts_each_filter_value(settings: Settings, bob: StaffUser) -> None:
    await _three_cases(settings, bob)
    queue = await load_queue(QueueFilters.parse({}), bob, NOW)
    counts = {facet: {o.value: o.count for o in options} for facet, options in queue.facets.items()}
    assert counts["status"] == {"open": 2, "pending": 1, "resolved": 0, "closed": 0}
    assert counts["priority"] == {"urgent": 1, "high": 1, "normal": 0, "low": 0}
    assert counts["reason"] == {"negative_text": 2, "urgent": 1}
    assert counts["assignee"] == {"none": 1, str(bob.id): 1}
    assert sorted(counts["product"].values()) == [1, 1]
    assert (queue.mine, queue.overdue) == (1, 1)


async def test_it_finds_cases_by_customer_email_or_order_id(settings: Settings, bob: StaffUser) -> None:
    customer = await make_customer(email="Erin.Walker@example.org")
    mine = await make_case(settings, customer=customer, order_id="SHOP-4471")
    await make_case(settings)
    assert await _ids(settings, bob, q="erin.walker") == [mine.id]
    assert await _ids(settings, bob, q="SHOP-4471") == [mine.id]


async def test_it_pages_with_a_keyset_cursor(settings: Settings, bob: StaffUser) -> None:
    customer, product = await make_customer(), await make_product()
    for hour in range(PAGE_SIZE + 5):
        await make_case(settings, customer=customer, product=product, now=NOW + timedelta(minutes=hour % 7))
    first = await load_queue(QueueFilters(), bob, NOW)
    assert len(first.rows) == PAGE_SIZE and first.next_cursor is not None
    cursor = Cursor.decode(first.next_cursor.encode())
    second = await load_queue(QueueFilters(), bob, NOW, cursor)
    ids = [r.id for r in first.rows] + [r.id for r in second.rows]
    assert len(second.rows) == 5 and second.next_cursor is None
    expected = await Case.all().order_by("breach_at", "id").values_list("id", flat=True)
    assert ids == list(expected)


async def test_the_queue_page_shows_counts_overdue_rows_and_polls(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    late, _, _ = await _three_cases(settings, bob)
    await log_in(client, bob)
    page = await client.get("/admin/cases")
    assert page.status_code == 200
    assert 'hx-trigger="every 15s"' in page.text
    assert "open (2)" in page.text and "pending (1)" in page.text
    assert 'class="case-row overdue"' in page.text and ">overdue</strong>" in page.text
    # The open-ended facets are selects: the tent has one open case (the other is pending).
    assert f'<option value="{late.product_id}">Trail Tent (1)</option>' in page.text  # type: ignore[attr-defined]


async def test_htmx_polling_gets_only_the_results_block(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    await _three_cases(settings, bob)
    await log_in(client, bob)
    fragment = await client.get("/admin/cases?status=pending", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "case-row" in fragment.text


@pytest.mark.parametrize(
    ("roles", "status"), [("moderator", 403), ("agent", 200), ("moderator agent", 200), ("admin", 200)]
)
async def test_only_agents_and_admins_open_the_queue(
    client: httpx.AsyncClient, carol: StaffUser, roles: str, status: int
) -> None:
    carol.roles = roles
    await carol.save()
    await log_in(client, carol)
    assert (await client.get("/admin/cases")).status_code == status


async def test_an_unanswered_case_is_overdue_from_its_first_response_target_until_answered(
    client: httpx.AsyncClient, settings: Settings, bob: StaffUser
) -> None:
    now = datetime.now(UTC)
    # Normal priority: first response due after 24 h (passed), resolution after 72 h (not yet).
    case = await make_case(settings, priority="normal", now=now - timedelta(hours=30))
    assert case.breach_at == case.first_response_due_at
    late = await load_queue(QueueFilters.parse({"overdue": "1"}), bob, now)
    assert [(row.id, row.deadline) for row in late.rows] == [(case.id, "first response")]
    assert late.overdue == 1

    await log_in(client, bob)
    assert (
        await post_action(client, case, "reply", body="Sorry, a new tent is on its way.")
    ).status_code == 200
    await case.refresh_from_db()
    assert case.first_response_at is not None and case.breach_at == case.resolution_due_at
    answered = await load_queue(QueueFilters.parse({}), bob, datetime.now(UTC))
    assert [(row.id, row.deadline, row.overdue) for row in answered.rows] == [(case.id, "resolution", False)]
    assert answered.overdue == 0
