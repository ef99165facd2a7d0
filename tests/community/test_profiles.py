"""Contributor profiles exist only while the customer opts in; opting out hides them at once."""

from __future__ import annotations

import httpx
import pytest
from hub.reviews.models import Review

from hub.advocacy.models import Award
from hub.catalog.models import Customer, Product
from hub.community.models import Answer, Question
from hub.community.profiles import profile_settings_url
from hub.config import Settings
from tests.community.conftest import NOW
from tests.conftest import csrf_from


@pytest.fixture
async def fay(tent: Product, question: Question) -> Customer:
    """Fay wrote a review and an answer, both published and voted helpful."""
    fay = await Customer.create(email="fay@example.net", name="Fay Buyer")
    await Review.create(
        product=tent,
        customer=fay,
        rating=4,
        body="Roomy",
        status="published",
        submitted_at=NOW,
        published_at=NOW,
        helpful_count=2,
    )
    await Answer.create(
        question=question, customer=fay, body="Yes", status="published", published_at=NOW, helpful_count=3
    )
    await Award.create(customer=fay, badge="helpful_answerer")
    return fay


def _settings_path(settings: Settings, customer: Customer) -> str:
    return profile_settings_url(settings, customer.id).removeprefix("http://testserver")


async def test_without_opt_in_there_is_no_profile(client: httpx.AsyncClient, fay: Customer) -> None:
    assert (await client.get(f"/contributors/{fay.id}")).status_code == 404
    assert (await client.get("/api/v1/contributors")).json()["items"] == []


async def test_a_customer_opts_in_and_out_through_the_signed_link(
    client: httpx.AsyncClient, settings: Settings, fay: Customer
) -> None:
    path = _settings_path(settings, fay)
    token = await csrf_from(client, path)
    saved = await client.post(
        path, data={"opt_in": "yes", "display_name": "Fay the Hiker", "csrf_token": token}
    )
    assert "your profile is public" in saved.text
    page = await client.get(f"/contributors/{fay.id}")
    assert page.status_code == 200 and "Fay the Hiker" in page.text and "helpful answerer" in page.text
    listed = (await client.get("/api/v1/contributors?limit=5")).json()["items"]
    assert listed[0] | {"url": ""} == {
        "id": fay.id,
        "name": "Fay the Hiker",
        "badges": ["helpful_answerer"],
        "reviews": 1,
        "answers": 1,
        "helpful_votes": 5,
        "url": "",
    }

    await client.post(path, data={"display_name": "Fay the Hiker", "csrf_token": token})
    assert (await client.get(f"/contributors/{fay.id}")).status_code == 404
    assert (await client.get("/api/v1/contributors")).json()["items"] == []
    assert "Fay the Hiker" not in (await client.get("/widget/contributors")).text


async def test_opting_in_needs_a_display_name(
    client: httpx.AsyncClient, settings: Settings, fay: Customer
) -> None:
    path = _settings_path(settings, fay)
    token = await csrf_from(client, path)
    saved = await client.post(path, data={"opt_in": "yes", "display_name": " ", "csrf_token": token})
    assert saved.status_code == 400 and 'id="display_name-error"' in saved.text
    await fay.refresh_from_db()
    assert fay.profile_opt_in_at is None


async def test_a_forged_profile_link_opens_nothing(client: httpx.AsyncClient, fay: Customer) -> None:
    assert (await client.get(f"/profile/{fay.id}.forged")).status_code == 404
