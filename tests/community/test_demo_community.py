"""The demo's community step: questions with answers, gallery photos with files, public profiles."""

from __future__ import annotations

import random

from hub.reviews.models import Review

from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.community.gallery import gallery
from hub.community.models import Answer, Question
from hub.community.profiles import top_contributors
from hub.config import Settings
from hub.demo.community import build_community
from hub.staff.models import StaffUser
from tests.community.conftest import NOW


async def _small_shop(carol: StaffUser) -> None:
    for number in range(3):
        product = await Product.create(external_id=f"sku-{number}", name=f"Product {number}")
        for buyer in range(3):
            customer, _ = await Customer.get_or_create(
                email=f"c{buyer}@example.net", defaults={"name": f"Cat Buyer{buyer}"}
            )
            order = await Order.create(
                source="demo", external_id=f"{number}-{buyer}", customer=customer, placed_at=NOW
            )
            await OrderLine.create(order=order, product=product)
            await Review.create(
                product=product,
                customer=customer,
                order=order,
                rating=5,
                body="Lovely",
                status="published",
                submitted_at=NOW,
                published_at=NOW,
            )


async def test_the_demo_adds_questions_photos_and_profiles(settings: Settings, carol: StaffUser) -> None:
    await _small_shop(carol)
    summary = await build_community(settings, random.Random(7), NOW)
    assert summary.questions == await Question.filter(status="published").count() == 6
    assert await Answer.filter(is_brand=True).exists() and await Answer.filter(verified_buyer=True).exists()
    photos = await gallery(settings, None)
    assert len(photos) == summary.photos > 0
    assert len(list(settings.media_dir.glob("*.webp"))) == 2 * summary.photos
    assert len(await top_contributors(10)) == summary.profiles == 3
