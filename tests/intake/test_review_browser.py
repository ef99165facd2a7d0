"""Dana reviews her tent with a photo in a real browser (headless Chromium), with and without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from hub.catalog.models import Product
from hub.config import Settings
from hub.photos.models import Photo
from hub.reviews.models import Review
from tests.browser import ServedHub, chromium, on_sqlite_only, served_hub
from tests.conftest import free_port, run_sync
from tests.intake.test_review_form import Link, make_link

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Served:
    hub: ServedHub
    link: Link

    @property
    def base_url(self) -> str:
        return self.hub.base_url

    def stop(self) -> None:
        self.hub.stop()


async def _dana_link() -> Link:
    tent = await Product.create(external_id="tent", name="Trail Tent")
    mug = await Product.create(external_id="mug", name="Camp Mug")
    return await make_link("dana@example.com", "Dana Buyer", "1001", [tent, mug])


@pytest.fixture
def served(settings: Settings, database_url: str) -> Iterator[Served]:
    """The hub served by uvicorn on a free local port, for as long as the test runs."""
    on_sqlite_only(database_url)
    link = run_sync(database_url, _dana_link)
    with served_hub(settings.with_overrides(base_url=f"http://127.0.0.1:{free_port()}")) as hub:
        yield Served(hub, link)


def _jpeg() -> bytes:
    out = BytesIO()
    Image.new("RGB", (1200, 900), "olive").save(out, "JPEG")
    return out.getvalue()


def _review_tent(page: Page, tent_id: int) -> None:
    page.locator(f"#rating-{tent_id}-1").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"#rating-{tent_id}-4")).to_be_checked()
    page.fill(f"#title-{tent_id}", "Dry all night")
    page.fill(f"#body-{tent_id}", "Pitched it in five minutes and it stayed dry through heavy rain.")
    page.set_input_files(
        f"#photos-{tent_id}", files=[{"name": "tent.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    page.check(f"#consent-{tent_id}")
    page.locator(f"#product-{tent_id}").get_by_role("button", name="Send my review").click()


def _favicon(location: dict[str, object]) -> bool:
    """The browser asks for /favicon.ico on its own; the hub has none."""
    return str(location.get("url", "")).endswith("/favicon.ico")


def _stored(database_url: str, order_id: int) -> tuple[Review, list[Photo]]:
    async def work() -> tuple[Review, list[Photo]]:
        review = await Review.get(order_id=order_id)
        return review, list(await Photo.filter(review=review))

    return run_sync(database_url, work)  # type: ignore[no-any-return]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_customer_reviews_a_product_with_a_photo_in_the_browser(
    served: Served, database_url: str, javascript: bool
) -> None:
    tent_id = served.link.products[0].id
    problems: list[str] = []
    with chromium() as browser:
        page = browser.new_page(java_script_enabled=javascript)
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and not _favicon(message.location)
                else None
            ),
        )
        page.goto(served.base_url + served.link.path)
        _review_tent(page, tent_id)
        notice = page.locator(f"#product-{tent_id} .notice")
        expect(notice).to_have_text("Thanks, your review of Trail Tent is saved.")
        expect(page.locator(f"#product-{tent_id} button[type=submit]")).to_have_text("Save my changes")
        expect(page.locator(f"#product-{tent_id} .photo-list img")).to_have_count(1)
        assert ("?saved=" in page.url) is not javascript
    assert problems == [], problems
    served.stop()
    review, photos = _stored(database_url, served.link.order.id)
    assert (review.rating, review.title, review.verified_buyer) == (4, "Dry all night", True)
    assert len(photos) == 1 and photos[0].status == "pending" and photos[0].feature_consent_at
