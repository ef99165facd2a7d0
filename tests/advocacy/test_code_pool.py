"""The code pool: Alice uploads codes she created in her store; each is issued once."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from hub.advocacy.codes import issue_code, pool_left
from hub.advocacy.models import PoolCode
from hub.config import Settings
from hub.staff.models import StaffUser
from tests.conftest import csrf_from, make_customer


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shop warns below three codes and offers a 10-off code for 900 points."""
    return settings.with_overrides(code_pool_low=3, points_rewards={"10-off": 900})


FORM = {"pool": "5-off", "kind": "fixed", "value": "5", "currency": "USD", "minimum_order": "30"}


async def upload(client: httpx.AsyncClient, csv_text: str, **fields: str) -> httpx.Response:
    token = await csrf_from(client, "/admin/code-pools")
    files = {"file": ("codes.csv", csv_text.encode(), "text/csv")}
    return await client.post("/admin/code-pools", data={**FORM, **fields, "csrf_token": token}, files=files)


async def test_alice_uploads_a_csv_of_codes_and_a_bad_line_is_named(
    client: httpx.AsyncClient, login, alice: StaffUser
) -> None:
    await login(alice)
    refused = await upload(client, "code,note\nSAVE5-A,first\nnot a code!,x\nSAVE5-A,again\n")
    assert refused.status_code == 422
    assert "line 3: &#39;not a code!&#39; is not a code" in refused.text
    assert "line 4: SAVE5-A repeats line 2" in refused.text
    assert await PoolCode.all().count() == 0  # nothing of a bad file is kept

    added = await upload(client, "code\nSAVE5-A\nSAVE5-B\n")
    assert "Added 2 codes to the pool 5-off" in added.text
    assert "5.00 USD off an order of 30.00 USD or more" in added.text
    again = await upload(client, "SAVE5-B\nSAVE5-C\n")
    assert again.status_code == 422 and "line 1: SAVE5-B is uploaded already" in again.text
    assert await pool_left("5-off") == 2


async def test_two_workers_never_issue_the_same_code(db: str) -> None:
    await PoolCode.bulk_create([PoolCode(pool="5-off", code=f"C{n}", value=5) for n in range(4)])
    customers = [await make_customer(f"Buyer {n}") for n in range(6)]
    issued = await asyncio.gather(*(issue_code("5-off", c, "test") for c in customers))
    codes = [code.code for code in issued if code is not None]
    assert sorted(codes) == ["C0", "C1", "C2", "C3"] and issued.count(None) == 2
    holders = await PoolCode.all().values_list("issued_to_id", flat=True)
    assert len(set(holders)) == 4 and await pool_left("5-off") == 0


async def test_a_pool_running_low_warns_on_the_pool_page_and_the_dashboard(
    client: httpx.AsyncClient, login, alice: StaffUser
) -> None:
    await PoolCode.bulk_create([PoolCode(pool="5-off", code=f"C{n}", value=5) for n in range(2)])
    await login(alice)
    page = await client.get("/admin/code-pools")
    assert "Pool <strong>5-off</strong> has 2 codes left" in page.text
    assert "Pool <strong>10-off</strong> has 0 codes left" in page.text  # a reward's pool never uploaded
    dashboard = await client.get("/admin")
    assert "Needs attention" in dashboard.text and "has 2 codes left" in dashboard.text
