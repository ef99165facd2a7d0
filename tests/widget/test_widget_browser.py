"""The widget on a store page from another origin, in headless Chromium; axe-core on three pages.

The hub and the demo store page run on two ports (`tests.widget.servers`), so every
widget request is cross-origin (CORS).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from tests.browser import chromium
from tests.conftest import PASSWORD
from tests.intake.test_review_form import make_link
from tests.widget.conftest import add_photo, add_review
from tests.widget.servers import hub_and_store

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RATINGS = (5, 4, 5, 3, 5, 2, 4, 5, 1, 4, 5, 3, 4)  # 13 reviews: ten on the first page
HOST = "[data-feedback-hub=reviews]"
SLIDE = "[data-feedback-hub=carousel] [aria-roledescription=slide]"
SHADOW = f"document.querySelector('{HOST}').shadowRoot"


async def demo_shop(settings: Settings) -> tuple[str, int, int]:
    """A demo shop: a tent with 13 reviews (one with a photo), a mug, a demo order, an agent."""
    tent = await Product.create(external_id="tent-2p", name="Trail Tent")
    await Product.create(external_id="mug", name="Camp Mug")
    reviews = [await add_review(settings, tent, rating, days_ago=day) for day, rating in enumerate(RATINGS)]
    await add_photo(reviews[0])
    buyer = await Customer.create(email="demo@example.com", name="Demo Buyer")
    await Order.create(source="demo", external_id="D1", customer=buyer, placed_at=datetime.now(UTC))
    link = await make_link("dana@example.com", "Dana Buyer", "1001", [tent])
    await StaffUser.create(
        email="bob@example.com", roles="agent", name="Bob Agent", password_hash=hash_password(PASSWORD)
    )
    return link.path, tent.id, reviews[0].id


@dataclass
class Served:
    hub: str
    store: str
    review_path: str
    first_review: int
    database_url: str


@pytest.fixture
def served(settings: Settings, database_url: str) -> Iterator[Served]:
    async def seed(settings: Settings, store: str) -> tuple[str, int, int]:
        return await demo_shop(settings)

    with hub_and_store(settings, database_url, seed) as sites:
        review_path, _, first_review = sites.seeded
        yield Served(sites.hub, sites.store, review_path, first_review, database_url)


@pytest.fixture
def browser(served: Served) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _store_page(browser: Browser, served: Served) -> Page:
    page = browser.new_page()
    page.goto(served.store + "/demo/store/tent-2p")
    expect(page.locator(f"{HOST} .rv")).to_have_count(10)
    return page


def _ratings(page: Page) -> list[int]:
    texts = page.locator(f"{HOST} .rv article > p:first-child .sr").all_inner_texts()
    return [int(text.split()[1]) for text in texts]


def test_the_widget_renders_cross_origin_inside_a_shadow_root(browser: Browser, served: Served) -> None:
    page = _store_page(browser, served)
    assert page.evaluate(f"document.querySelector('{HOST}').shadowRoot.querySelectorAll('.rv').length") == 10
    assert page.evaluate(f"document.querySelector('{HOST} .rv')") is None  # not in the light DOM
    expect(page.locator(f"{HOST} .avg")).to_contain_text("3.9 out of 5 · 13 reviews")
    expect(page.locator(f"{HOST} .rv").first).to_contain_text("Imported")
    expect(page.locator("header [data-feedback-hub=badge] .bd")).to_have_attribute(
        "aria-label", "Rated 3.9 out of 5, 13 reviews"
    )
    expect(page.locator(f"{SLIDE}:not([hidden])")).to_have_count(1)
    page.locator("[data-feedback-hub=carousel]").get_by_role("button", name="Next").click()
    expect(page.locator(f"{SLIDE}:not([hidden])")).to_have_attribute("aria-label", "2 of 8")


def test_the_histogram_filters_by_keyboard_and_load_more_and_sort_work(
    browser: Browser, served: Served
) -> None:
    page = _store_page(browser, served)
    five = page.locator(f"{HOST} .hist button[data-star='5']")
    five.focus()
    page.keyboard.press("Enter")
    expect(five).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"{HOST} .rv")).to_have_count(RATINGS.count(5))
    assert set(_ratings(page)) == {5}
    page.keyboard.press("Space")
    expect(page.locator(f"{HOST} .rv")).to_have_count(10)
    page.locator(f"{HOST} .more").click()
    expect(page.locator(f"{HOST} .rv")).to_have_count(13)
    expect(page.locator(f"{HOST} .more")).to_be_hidden()
    page.locator(f"{HOST} select").select_option("lowest")
    expect(page.locator(f"{HOST} .rv")).to_have_count(10)
    assert _ratings(page)[:3] == [1, 2, 3]


def _active(page: Page) -> str:
    return str(
        page.evaluate(f"({SHADOW}.activeElement || {{}}).textContent || document.activeElement.tagName")
    )


def test_the_lightbox_works_by_keyboard(browser: Browser, served: Served) -> None:
    page = _store_page(browser, served)
    opener = page.locator(f"{HOST} .ph button").first
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.locator(f"{HOST} [role=dialog]")
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog).to_have_attribute("aria-label", "Photo 1 of 1")
    assert _active(page) == "Close"
    for _ in range(4):
        page.keyboard.press("Tab")
        assert _active(page) in ("Close", "Previous", "Next")
    page.keyboard.press("Shift+Tab")
    assert _active(page) in ("Close", "Previous", "Next")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert page.evaluate(f"{SHADOW}.activeElement.getAttribute('aria-label')").startswith("Photo 1 of 1")


def _helpful(database_url: str, review_id: int) -> int:
    """Read with sqlite3: Playwright's event loop owns this thread while the browser runs."""
    with closing(sqlite3.connect(database_url.removeprefix("sqlite://"))) as connection:
        row = connection.execute("SELECT helpful_count FROM review WHERE id = ?", (review_id,)).fetchone()
    return int(row[0])


def test_a_browser_counts_one_helpful_vote(browser: Browser, served: Served) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served.store + "/demo/store/tent-2p")
    yes = page.locator(f"{HOST} .rv").first.locator("button[data-helpful=true]")
    yes.click()
    expect(yes).to_have_text("Yes (1)")
    expect(page.locator(f"{HOST} .rv").first.get_by_role("status")).to_have_text("Thanks for your feedback")
    page.reload()
    expect(page.locator(f"{HOST} .rv").first.locator("button[data-helpful=true]")).to_be_disabled()
    page.evaluate("localStorage.removeItem('fh-votes')")
    page.reload()
    page.locator(f"{HOST} .rv").first.locator("button[data-helpful=true]").click()
    expect(page.locator(f"{HOST} .rv").first.get_by_role("status")).to_be_visible()
    context.close()
    assert _helpful(served.database_url, served.first_review) == 1


def test_the_hosts_reserve_their_height_before_the_data_arrives(browser: Browser, served: Served) -> None:
    page = browser.new_page()
    held: list[Route] = []
    released: list[bool] = []
    page.route("**/api/v1/**", lambda route: route.continue_() if released else held.append(route))
    page.goto(served.store + "/demo/store/tent-2p")
    page.wait_for_function("document.querySelector('header [data-feedback-hub=badge]').style.minHeight")
    before = page.evaluate(
        "[...document.querySelectorAll('[data-feedback-hub]')].map(el => el.getBoundingClientRect().height)"
    )
    assert before[:3] == [24, 180, 900]
    released.append(True)
    for route in held:
        route.continue_()
    expect(page.locator(f"{HOST} .rv")).to_have_count(10)
    after = page.evaluate(
        "[...document.querySelectorAll('[data-feedback-hub]')].map(el => el.getBoundingClientRect().height)"
    )
    assert abs(after[0] - before[0]) < 3 and after[2] >= before[2]


def _axe(page: Page) -> list[str]:
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` at the repository root")
    page.add_script_tag(content=AXE.read_text())
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
    )
    return list(found)


def test_axe_finds_no_serious_problem_on_the_store_page(browser: Browser, served: Served) -> None:
    page = _store_page(browser, served)
    expect(page.locator("[data-feedback-hub=carousel] [aria-roledescription=slide]").first).to_be_attached()
    assert _axe(page) == []


def test_axe_finds_no_serious_problem_on_the_review_form(browser: Browser, served: Served) -> None:
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(served.hub + served.review_path)
    assert _axe(page) == []


def test_axe_finds_no_serious_problem_on_the_case_queue(browser: Browser, served: Served) -> None:
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(served.hub + "/login")
    page.fill("#email", "bob@example.com")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(served.hub + "/admin/cases")
    expect(page).to_have_url(served.hub + "/admin/cases")
    assert _axe(page) == []
