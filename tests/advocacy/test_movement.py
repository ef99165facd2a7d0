"""The movement matrix, its page with the chart, the customer list behind each cell, and the API."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from hub.advocacy.models import StageSnapshot
from hub.advocacy.movement import matrix
from tests.advocacy.conftest import api_headers
from tests.conftest import make_customer

JAN, APR = date(2025, 1, 1), date(2025, 4, 1)


@pytest.fixture
async def history(db: str) -> dict[str, int]:
    """Three dormant customers came back, one active went dormant, one arrived in between."""
    people: dict[str, int] = {}
    moves = {
        "Ann": ("dormant", "active"),
        "Ben": ("dormant", "active"),
        "Cid": ("dormant", "loyal"),
        "Dot": ("active", "dormant"),
        "Eve": ("loyal", "loyal"),
    }
    for name, (before, after) in moves.items():
        customer = await make_customer(name)
        people[name] = customer.id
        await StageSnapshot.create(customer=customer, day=JAN, stage=before)
        await StageSnapshot.create(customer=customer, day=APR, stage=after)
    late = await make_customer("Fay")
    people["Fay"] = late.id
    await StageSnapshot.create(customer=late, day=APR, stage="new")
    return people


async def test_the_matrix_counts_moves_between_the_nearest_snapshots(history: dict[str, int]) -> None:
    found = await matrix(date(2025, 1, 15), date(2025, 4, 20))
    assert (found.from_day, found.to_day) == (JAN, APR)
    assert found.count("dormant", "active") == 2
    assert found.count("dormant", "loyal") == 1
    assert found.count("active", "dormant") == 1
    assert found.count("loyal", "loyal") == 1
    assert found.count("none", "new") == 1


async def test_the_main_moves_are_told_in_words(history: dict[str, int]) -> None:
    sentences = [m.sentence(JAN) for m in (await matrix(JAN, APR)).main_moves]
    assert sentences[0] == "2 dormant customers came back (now active) since 2025-01-01"
    assert "1 active customer went dormant since 2025-01-01" in sentences


async def test_the_page_draws_an_accessible_chart_and_links_each_cell(
    history: dict[str, int], client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    await login(bob)
    page = await client.get("/admin/movement?from=2025-01-01&to=2025-04-01")
    assert page.status_code == 200
    assert 'role="img"' in page.text and "<title" in page.text and "<table" in page.text
    assert "style=" not in page.text
    link = (
        "/admin/customers?from_day=2025-01-01&amp;to_day=2025-04-01"
        "&amp;from_stage=dormant&amp;to_stage=active"
    )
    assert link in page.text


async def test_a_cell_lists_its_customers(
    history: dict[str, int], client: httpx.AsyncClient, login, bob
) -> None:  # type: ignore[no-untyped-def]
    await login(bob)
    page = await client.get(
        "/admin/customers?from_day=2025-01-01&to_day=2025-04-01&from_stage=dormant&to_stage=active"
    )
    assert page.status_code == 200
    assert "Ann" in page.text and "Ben" in page.text and "Cid" not in page.text
    assert f"/admin/customers/{history['Ann']}" in page.text


async def test_the_page_needs_a_login(db: str, client: httpx.AsyncClient) -> None:
    assert (await client.get("/admin/movement")).status_code == 303


async def test_the_api_gives_the_matrix_and_the_counts(
    history: dict[str, int], client: httpx.AsyncClient
) -> None:
    answer = await client.get(
        "/api/v1/metrics/movement?from=2025-01-01&to=2025-04-01", headers=await api_headers()
    )
    assert answer.status_code == 200
    body = answer.json()
    assert {"from_stage": "dormant", "to_stage": "active", "customers": 2} in body["moves"]
    assert body["stage_counts"]["days"] == ["2025-01-01", "2025-04-01"]
    assert body["main_moves"][0].startswith("2 dormant customers came back")


async def test_the_api_names_a_bad_date(db: str, client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/v1/metrics/movement?from=01/01/2025", headers=await api_headers())
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"path": "from", "reason": "must be a date as YYYY-MM-DD"}]
