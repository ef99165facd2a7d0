"""Review rewards that stay honest: a one-star and a five-star review earn the same, and the
widget's JSON and the JSON-LD say that the author received a reward for reviewing."""

from __future__ import annotations

import httpx
import pytest

from hub.advocacy.models import PointsEntry, PoolCode
from hub.catalog.models import Product
from hub.config import Settings
from hub.reviews.models import Review
from tests.intake.test_review_form import make_link, send
from tests.photos.test_photos import image_bytes


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shop gives 50 points and a code from its "thanks" pool for every review."""
    return settings.with_overrides(
        points_for_review=50, points_for_photo_review=80, review_reward_pool="thanks"
    )


async def test_a_one_star_and_a_five_star_review_get_the_same_reward(
    client: httpx.AsyncClient, tent: Product
) -> None:
    await PoolCode.bulk_create(
        [PoolCode(pool="thanks", code=f"THANKS-{n}", value=10, kind="percent") for n in range(2)]
    )
    dana = await make_link("dana@example.com", "Dana Buyer", "1001", [tent])
    erin = await make_link("erin@example.com", "Erin Buyer", "2002", [tent])
    unhappy = "The pole snapped on the first night and the rain came straight through the seams."
    assert (
        await send(client, dana, tent, rating="1", title="Broke at once", body=unhappy)
    ).status_code == 303
    assert (await send(client, erin, tent, rating="5")).status_code == 303

    rewards = {}
    for link in (dana, erin):
        review = await Review.get(order_id=link.order.id)
        entry = await PointsEntry.get(customer_id=link.order.customer_id).prefetch_related("code")  # type: ignore[attr-defined]
        assert review.rewarded_at is not None
        assert entry.code is not None and entry.code.kind == "percent"
        rewards[review.rating] = (entry.points, entry.reason, entry.source, entry.code.value)
    assert rewards[1] == rewards[5] == (50, "review", "review", rewards[5][3])
    assert await PoolCode.filter(issued_at__isnull=True).count() == 0

    api = (await client.get("/api/v1/products/tent/reviews")).json()
    assert {item["rating"]: item["received_reward"] for item in api["items"]} == {1: True, 5: True}
    jsonld = (await client.get("/widget/products/tent/jsonld")).json()
    assert {r["disambiguatingDescription"] for r in jsonld["review"]} == {"Received a reward for reviewing"}


async def test_the_widget_says_when_a_review_was_rewarded(client: httpx.AsyncClient) -> None:
    script = (await client.get("/widget.js")).text
    assert 'reward: "Received a reward for reviewing"' in script
    assert "review.received_reward ? h(" in script


async def test_a_review_with_a_photo_gets_the_larger_reward_whatever_its_rating(
    client: httpx.AsyncClient, tent: Product
) -> None:
    fay = await make_link("fay@example.com", "Fay Buyer", "3003", [tent])
    photo = [(f"photos-{tent.id}", ("tent.jpg", image_bytes(), "image/jpeg"))]
    assert (await send(client, fay, tent, rating="2", files=photo)).status_code == 303
    entry = await PointsEntry.get(customer_id=fay.order.customer_id)
    assert (entry.points, entry.reason, entry.code_id) == (80, "review with photo", None)  # the pool is empty
