"""Ann turns points into a discount code on the points page her mails link to: a double click
spends once, and two redemptions at the same moment never spend more than her balance."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from hub.advocacy.models import PointsEntry, PoolCode
from hub.advocacy.points import Source, balance_of, earn
from hub.catalog.models import Customer
from hub.config import Settings
from hub.links.models import LinkPurpose
from hub.links.tokens import issue_token
from tests.conftest import make_customer


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shop offers a code from its pool "5-off" for 500 points."""
    return settings.with_overrides(points_rewards={"5-off": 500})


async def ann_with(points: int, codes: int) -> Customer:
    ann = await make_customer("Ann Buyer", email="ann@example.net")
    await earn(ann.id, points, "review", source=Source.REVIEW)
    rows = [PoolCode(pool="5-off", code=f"FIVE-{n}", value=5, minimum_order=30) for n in range(codes)]
    await PoolCode.bulk_create(rows)
    return ann


async def points_page(client: httpx.AsyncClient, ann: Customer) -> str:
    """The points page, followed from the mail preferences page of Ann's mail link."""
    raw = await issue_token(LinkPurpose.UNSUBSCRIBE, customer=ann)
    preferences = await client.get(f"/u/{raw}")
    found = re.search(r'href="([^"]+)" id="points-link"', preferences.text)
    assert found is not None
    return found.group(1)


def form_of(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'name="(csrf_token|request_id|reward)" value="([^"]*)"', page))
    assert set(fields) == {"csrf_token", "request_id", "reward"}
    return fields


async def test_ann_redeems_points_for_a_code_once_even_with_a_double_click(
    client: httpx.AsyncClient, db: str
) -> None:
    ann = await ann_with(700, codes=2)
    path = await points_page(client, ann)
    page = await client.get(path)
    assert '<span class="number" id="balance">700</span>' in page.text
    assert "500 points</strong>:\n        5.00 USD off an order of 30.00 USD or more" in page.text
    form = form_of(page.text)
    first, second = [await client.post(path, data=form) for _ in range(2)]
    assert first.status_code == second.status_code == 200
    assert (
        '<strong id="code">FIVE-0</strong>' in first.text
        and '<strong id="code">FIVE-0</strong>' in second.text
    )
    assert '<span class="number" id="balance">200</span>' in second.text
    assert await balance_of(ann.id) == (200, 0)
    assert await PoolCode.filter(issued_to=ann).count() == 1
    spent = await PointsEntry.get(customer=ann, source=Source.REDEEM.value)
    assert spent.points == -500 and spent.code_id is not None


async def test_two_redemptions_at_once_never_spend_more_than_the_balance(
    client: httpx.AsyncClient, db: str
) -> None:
    ann = await ann_with(900, codes=3)
    path = await points_page(client, ann)
    forms = [form_of((await client.get(path)).text) for _ in range(2)]
    answers = await asyncio.gather(*(client.post(path, data=form) for form in forms))
    assert sorted(answer.status_code for answer in answers) == [200, 422]
    refused = next(answer for answer in answers if answer.status_code == 422)
    assert "Points are not enough: this reward needs 500" in refused.text
    assert await balance_of(ann.id) == (400, 0)
    assert await PoolCode.filter(issued_at__isnull=False).count() == 1  # the refused one's code stays free


async def test_a_redemption_without_the_forms_token_is_refused(client: httpx.AsyncClient, db: str) -> None:
    ann = await ann_with(900, codes=1)
    path = await points_page(client, ann)
    form = form_of((await client.get(path)).text)
    answer = await client.post(path, data={**form, "csrf_token": "forged"})
    assert answer.status_code == 403
    assert await balance_of(ann.id) == (900, 0)
