"""Dana reviews her tent with a photo in a real browser (headless Chromium), with and without JavaScript."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
import uvicorn
from hub.photos.models import Photo
from hub.reviews.models import Review
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from hub.app import create_app
from hub.catalog.models import Product
from hub.config import Settings
from hub.photos import routes as photo_routes
from tests.conftest import run_sync
from tests.feedback.test_review_form import Link, make_link

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Served:
    base_url: str
    link: Link
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _dana_link() -> Link:
    tent = await Product.create(external_id="tent", name="Trail Tent")
    mug = await Product.create(external_id="mug", name="Camp Mug")
    return await make_link("dana@example.com", "Dana Buyer", "1001", [tent, mug])


def _start(settings: Settings, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    app = create_app(settings)
    if "media" not in {getattr(route, "name", None) for route in app.router.routes}:
        app.router.routes.extend(photo_routes.routes)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", http="h11", ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return server, thread


@pytest.fixture
def served(settings: Settings, database_url: str) -> Iterator[Served]:
    """The hub served by uvicorn on a free local port, for as long as the test runs."""
    if not database_url.startswith("sqlite://"):
        pytest.skip("the browser test runs on SQLite")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    link = run_sync(database_url, _dana_link)
    port = _free_port()
    server, thread = _start(settings, port)
    served = Served(f"http://127.0.0.1:{port}", link, server, thread)
    yield served
    served.stop()


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
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
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
        browser.close()
    assert problems == [], problems
    served.stop()
    review, photos = _stored(database_url, served.link.order.id)
    assert (review.rating, review.title, review.verified_buyer) == (4, "Dry all night", True)
    assert len(photos) == 1 and photos[0].status == "pending" and photos[0].feature_consent_at
