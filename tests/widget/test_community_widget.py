"""The Q&A tab, the gallery and the contributors list on a store page from another origin.

Headless Chromium; the hub runs under uvicorn, the demo store page is served by a static
server on a second port (`tests.widget.servers`), so every request is CORS.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

import pytest
from hub.photos.models import Photo
from hub.reviews.models import Review
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from hub.advocacy.models import Award
from hub.catalog.models import Customer, Product
from hub.community.models import Answer, Question
from hub.config import Settings
from hub.photos.uploads import PhotoUpload, prepare_photo, store_photos
from tests.widget.servers import chromium, hub_and_store
from tests.widget.test_widget_browser import HOST, _axe, demo_shop

pytestmark = pytest.mark.browser

GALLERY = "[data-feedback-hub=gallery]"
CONTRIBUTORS = "[data-feedback-hub=contributors]"
QUESTION = "Does it fit two adults with backpacks?"
ASKED = "Is this tent warm enough for camping in early spring?"


@dataclass
class Community:
    hub: str
    store: str
    database_url: str
    photo_review: int
    buyer_answer: int


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (800, 600), "teal").save(out, "PNG")
    return out.getvalue()


async def _photo(
    settings: Settings, review: Review, owner: Customer, *, approved: bool, consent: bool
) -> None:
    """A photo through the upload pipeline (files on disk), then moderated."""
    prepared = prepare_photo(PhotoUpload("tent.png", _png()))
    photos = await store_photos(settings, review, [prepared], consent=consent, now=datetime.now(UTC))
    await Photo.filter(id=photos[0].id).update(
        customer_id=owner.id, status="approved" if approved else "pending"
    )


async def _community(settings: Settings, store: str) -> tuple[int, int]:
    """The demo shop plus a Q&A thread, three photos (one featurable) and two answerers."""
    await demo_shop(settings)
    now = datetime.now(UTC)
    await Product.filter(external_id="tent-2p").update(url=f"{store}/demo/store/tent-2p")
    tent = await Product.get(external_id="tent-2p")
    reviews = await Review.filter(product_id=tent.id).order_by("-submitted_at", "-id").limit(3)
    fan = await Customer.create(
        email="fan@example.com", name="Casey Camper", profile_name="Trail Fan", profile_opt_in_at=now
    )
    shy = await Customer.create(email="shy@example.com", name="Sam Quiet")
    await Award.create(customer=fan, badge="helpful_answerer")
    await _photo(settings, reviews[0], fan, approved=True, consent=True)
    await _photo(settings, reviews[1], fan, approved=True, consent=False)
    await _photo(settings, reviews[2], fan, approved=False, consent=True)
    question = await Question.create(
        product=tent,
        asker_email="erin@example.org",
        asker_name="Erin",
        body=QUESTION,
        status="published",
        published_at=now,
    )
    await Question.create(
        product=tent, asker_email="x@example.org", body="A pending question here", status="pending"
    )
    buyer = await Answer.create(
        question=question,
        customer=fan,
        body="Yes, with room to spare.",
        display_name="Trail Fan",
        status="published",
        verified_buyer=True,
        helpful_count=3,
        published_at=now,
    )
    await Answer.create(
        question=question,
        body="It fits two adults and two 40 l packs.",
        is_brand=True,
        display_name="Outdoor Co",
        status="published",
        published_at=now,
    )
    await Answer.create(
        question=question,
        customer=shy,
        body="Snug but fine for us both.",
        display_name="Sam Q.",
        status="published",
        published_at=now,
    )
    return reviews[0].id, buyer.id


@pytest.fixture
def served(settings: Settings, database_url: str) -> Iterator[Community]:
    with hub_and_store(settings, database_url, _community) as sites:
        photo_review, buyer_answer = sites.seeded
        yield Community(sites.hub, sites.store, database_url, photo_review, buyer_answer)


@pytest.fixture
def browser(served: Community) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _rows(database_url: str, sql: str, *args: object) -> list[tuple[object, ...]]:
    """Read with sqlite3: Playwright's event loop owns this thread while the browser runs."""
    with closing(sqlite3.connect(database_url.removeprefix("sqlite://"))) as connection:
        return list(connection.execute(sql, args).fetchall())


def _open_questions(page: Page, served: Community) -> None:
    page.goto(served.store + "/demo/store/tent-2p")
    expect(page.locator(f"{HOST} .rv")).to_have_count(10)
    page.locator(f"{HOST} [role=tab]").nth(1).click()
    expect(page.locator(f"{HOST} form.ask")).to_be_visible()


def _tab_state(page: Page) -> list[str | None]:
    return [page.locator(f"{HOST} [role=tab]").nth(i).get_attribute("aria-selected") for i in (0, 1)]


def test_the_questions_tab_works_by_keyboard_and_shows_answers_brand_first(
    browser: Browser, served: Community
) -> None:
    page = browser.new_page()
    page.goto(served.store + "/demo/store/tent-2p")
    expect(page.locator(f"{HOST} .rv")).to_have_count(10)
    tabs = page.locator(f"{HOST} [role=tablist] [role=tab]")
    expect(tabs).to_have_text(["Reviews", "Questions (1)"])
    expect(tabs.nth(1)).to_have_attribute("aria-controls", "fh-pq")
    assert _tab_state(page) == ["true", "false"]
    tabs.nth(0).focus()
    page.keyboard.press("ArrowRight")
    assert _tab_state(page) == ["false", "true"]
    expect(tabs.nth(1)).to_be_focused()
    expect(page.locator(f"{HOST} #fh-pq")).to_be_visible()
    expect(page.locator(f"{HOST} #fh-pr")).to_be_hidden()
    expect(page.locator(f"{HOST} #fh-pq .q")).to_have_text([QUESTION])
    answers = page.locator(f"{HOST} #fh-pq .an")
    expect(answers).to_have_count(3)
    expect(answers.nth(0)).to_contain_text("It fits two adults")
    expect(answers.nth(0).locator(".badge")).to_have_text("Brand")
    expect(answers.nth(1).locator(".badge")).to_have_text("Verified buyer")
    expect(answers.nth(2).locator(".badge")).to_have_count(0)
    expect(page.locator(f"{HOST} #fh-pq")).not_to_contain_text("A pending question")
    page.keyboard.press("ArrowRight")  # wraps around
    assert _tab_state(page) == ["true", "false"]
    expect(tabs.nth(0)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(tabs.nth(1)).to_be_focused()
    page.keyboard.press("Home")
    assert _tab_state(page) == ["true", "false"]
    expect(page.locator(f"{HOST} #fh-pr .rv").first).to_be_visible()


def test_asking_a_question_shows_field_errors_then_stores_it(browser: Browser, served: Community) -> None:
    page = browser.new_page()
    _open_questions(page, served)
    page.locator(f"{HOST} #fh-email").fill("not-an-address")
    page.locator(f"{HOST} #fh-body").fill(ASKED)
    page.locator(f"{HOST} form.ask button[type=submit]").click()
    expect(page.locator(f"{HOST} #fh-email-e")).to_have_text(
        "enter an email address such as name@example.com"
    )
    expect(page.locator(f"{HOST} #fh-email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"{HOST} #fh-email")).to_be_focused()
    page.locator(f"{HOST} #fh-email").fill("quinn@example.org")
    page.locator(f"{HOST} #fh-name").fill("Quinn")
    page.locator(f"{HOST} form.ask button[type=submit]").click()
    expect(page.locator(f"{HOST} #fh-pq [role=status]")).to_have_text(
        "Thanks — your question will appear once it is answered/approved."
    )
    rows = _rows(
        served.database_url, "SELECT asker_email, asker_name, status FROM question WHERE body = ?", ASKED
    )
    assert len(rows) == 1
    assert rows[0][:2] == ("quinn@example.org", "Quinn") and rows[0][2] in ("pending", "published")


def test_an_answer_vote_counts_once_per_browser(browser: Browser, served: Community) -> None:
    context = browser.new_context()
    page = context.new_page()
    _open_questions(page, served)
    yes = page.locator(f"{HOST} button[data-answer='{served.buyer_answer}']")
    expect(yes).to_have_text("Yes (3)")
    yes.click()
    expect(yes).to_have_text("Yes (4)")
    expect(page.locator(f"{HOST} #answer-{served.buyer_answer} [role=status]")).to_contain_text(
        "Thanks for your feedback"
    )
    _open_questions(page, served)
    expect(page.locator(f"{HOST} button[data-answer='{served.buyer_answer}']")).to_be_disabled()
    page.evaluate("localStorage.removeItem('fh-answer-votes')")
    _open_questions(page, served)
    page.locator(f"{HOST} button[data-answer='{served.buyer_answer}']").click()
    expect(page.locator(f"{HOST} #answer-{served.buyer_answer} [role=status]")).to_be_visible()
    context.close()
    rows = _rows(served.database_url, "SELECT helpful_count FROM answer WHERE id = ?", served.buyer_answer)
    assert rows == [(4,)]


def test_the_gallery_shows_featurable_photos_and_links_to_the_review(
    browser: Browser, served: Community
) -> None:
    page = browser.new_page()
    page.goto(served.store + "/demo/store/tent-2p")
    page.locator(GALLERY).scroll_into_view_if_needed()
    images = page.locator(f"{GALLERY} .gl img")
    expect(images).to_have_count(1)
    expect(images).to_have_attribute("alt", "Photo by Trail Fan of Trail Tent")
    shadow = f"document.querySelector('{GALLERY}').shadowRoot"
    page.wait_for_function(f"{shadow}.querySelector('.gl img').complete")
    assert page.evaluate(f"{shadow}.querySelector('.gl img').naturalWidth") > 0  # the real file
    link = page.locator(f"{GALLERY} .gl a[data-review]")
    expected = f"{served.store}/demo/store/tent-2p#review-{served.photo_review}"
    expect(link).to_have_attribute("href", expected)
    product = page.locator(f"{GALLERY} .gl a.pn")
    expect(product).to_have_attribute("href", f"{served.store}/demo/store/tent-2p")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(expected)
    expect(page.locator(f"{HOST} #review-{served.photo_review}")).to_have_count(1)


def test_contributors_lists_opted_in_customers_only(browser: Browser, served: Community) -> None:
    page = browser.new_page()
    page.goto(served.store + "/demo/store/tent-2p")
    page.locator(CONTRIBUTORS).scroll_into_view_if_needed()
    names = page.locator(f"{CONTRIBUTORS} .cts > li > a")
    expect(names).to_have_text(["Trail Fan"])
    assert (names.get_attribute("href") or "").startswith(served.hub)
    expect(page.locator(f"{CONTRIBUTORS} .bgs li")).to_have_text(["helpful answerer"])
    expect(page.locator(f"{CONTRIBUTORS} .meta")).to_contain_text("1 answers")
    expect(page.locator(CONTRIBUTORS)).not_to_contain_text("Sam")


def test_the_community_hosts_reserve_their_height(browser: Browser, served: Community) -> None:
    page = browser.new_page()
    page.route("**/api/v1/**", lambda route: None)  # never answered
    page.goto(served.store + "/demo/store/tent-2p")
    page.wait_for_function(f"document.querySelector('{CONTRIBUTORS}').style.minHeight")
    heights = page.evaluate(
        f"['{GALLERY}', '{CONTRIBUTORS}'].map(s => document.querySelector(s).getBoundingClientRect().height)"
    )
    assert heights == [240, 200]


def test_axe_finds_no_serious_problem_with_the_questions_tab_open(
    browser: Browser, served: Community
) -> None:
    page = browser.new_page()
    _open_questions(page, served)
    page.locator(GALLERY).scroll_into_view_if_needed()
    expect(page.locator(f"{GALLERY} .gl img")).to_have_count(1)
    page.locator(CONTRIBUTORS).scroll_into_view_if_needed()
    expect(page.locator(f"{CONTRIBUTORS} .cts > li")).to_have_count(1)
    assert _axe(page) == []
