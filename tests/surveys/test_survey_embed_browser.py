"""A public survey embedded on a store page from another origin, answered in headless Chromium."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing

import pytest
from playwright.sync_api import Browser, expect

from hub.config import Settings
from tests.browser import chromium
from tests.surveys.test_survey_questions import WRONG, make_winter
from tests.widget.servers import Sites, hub_and_store

pytestmark = pytest.mark.browser


async def public_survey(settings: Settings, store: str) -> int:
    """The seed of the hub the store embeds: the questions tests' winter survey."""
    return (await make_winter()).id


def store_page(survey_id: int):  # type: ignore[no-untyped-def]
    def page(hub: str) -> bytes:
        return (
            '<!doctype html><html lang="en"><head><title>Trail Store</title></head><body>'
            "<h1>Tell us how we did</h1>"
            f'<div data-feedback-hub="survey" data-survey="{survey_id}"></div>'
            f'<script src="{hub}/widget.js" async></script></body></html>'
        ).encode()

    return page


@pytest.fixture
def sites(settings: Settings, database_url: str) -> Iterator[Sites[int]]:
    # The survey is made first (id 1 in a fresh database); the page is built once the hub answers.
    with hub_and_store(settings, database_url, public_survey, store_page(1)) as served:
        assert served.seeded == 1
        yield served


@pytest.fixture
def browser(sites: Sites[int]) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _stored(database_url: str) -> list[tuple[int | None, str, str]]:
    """Read with sqlite3: Playwright's event loop owns this thread while the browser runs."""
    with closing(sqlite3.connect(database_url.removeprefix("sqlite://"))) as connection:
        return connection.execute(
            "SELECT number, text, choice FROM survey_answer ORDER BY question_id, id"
        ).fetchall()


def test_a_shopper_answers_the_embedded_survey_with_live_logic(
    browser: Browser, sites: Sites[int], database_url: str
) -> None:
    page = browser.new_page()
    page.goto(sites.store + "/")
    frame_element = page.locator("[data-feedback-hub=survey] iframe")
    expect(frame_element).to_have_attribute("src", f"{sites.hub}/surveys/1/embed")
    survey = page.frame_locator("[data-feedback-hub=survey] iframe")
    expect(survey.get_by_role("heading", name="Winter gear")).to_be_visible()
    wrong = survey.get_by_label(WRONG)
    expect(wrong).to_be_hidden()
    survey.get_by_role("radio", name="3", exact=True).check()
    expect(wrong).to_be_visible()
    survey.get_by_role("radio", name="9", exact=True).check()
    expect(wrong).to_be_hidden()
    survey.get_by_role("radio", name="2", exact=True).check()
    wrong.fill("The zip broke on the first night.")
    survey.get_by_role("checkbox", name="Blue").check()
    other_text = survey.get_by_role("textbox", name="Other, please say")
    expect(other_text).to_be_hidden()
    survey.get_by_role("checkbox", name="Other").check()
    other_text.fill("Teal")
    expect(frame_element).not_to_have_css("height", "400px")  # sized to the survey it shows
    survey.get_by_role("button", name="Send my answers").click()
    expect(survey.get_by_role("heading", name="Thank you for your answers")).to_be_visible()
    assert _stored(database_url) == [
        (2, "", ""),
        (None, "The zip broke on the first night.", ""),
        (None, "", "Blue"),
        (None, "Teal", "Other"),
    ]
