"""A shopper asks a question on the no-JS Q&A fragment in a real browser (headless Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from hub.community.models import Question
from hub.config import Settings
from tests.browser import ServedHub, chromium, on_sqlite_only, served_hub
from tests.conftest import free_port, make_customer, make_order, make_product, run_sync

pytestmark = pytest.mark.browser


@pytest.fixture
def served(settings: Settings, database_url: str) -> Iterator[ServedHub]:
    on_sqlite_only(database_url)

    async def tent() -> None:
        product = await make_product("Two-person tent", external_id="tent-2p")
        fay = await make_customer("Fay Buyer", email="fay@example.net")
        await make_order(fay, product, external_id="o-fay", placed_at=datetime.now(UTC))

    run_sync(database_url, tent)
    with served_hub(settings.with_overrides(base_url=f"http://127.0.0.1:{free_port()}")) as hub:
        yield hub


def _stored(database_url: str) -> list[Question]:
    async def work() -> list[Question]:
        return list(await Question.all())

    return run_sync(database_url, work)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("email", "body", "notice"),
    [
        ("fay@example.net", "Does it fit two adults with backpacks?", "your question is published below"),
        ("fay@example.net", "Is this arsehole of a tent any good?", "will appear once it has been checked"),
        (
            "erin@example.org",
            "Does it fit two adults with backpacks?",
            "will appear once it has been checked",
        ),
    ],
    ids=["published", "held", "held-from-a-stranger"],
)
def test_a_shopper_asks_a_question_in_the_browser(
    served: ServedHub, database_url: str, email: str, body: str, notice: str
) -> None:
    problems: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "favicon" not in str(message.location.get("url"))
                else None
            ),
        )
        page.goto(f"{served.base_url}/widget/products/tent-2p/questions")
        page.get_by_label("Your question").fill(body)
        page.get_by_label("Your email").fill(email)
        page.get_by_role("button", name="Ask").click()
        expect(page.get_by_role("status")).to_contain_text(notice)
        if "published" in notice:
            expect(page.locator(".qa-question")).to_contain_text(body)
        else:
            expect(page.locator(".qa-question")).to_have_count(0)
    served.stop()
    assert problems == [], problems
    assert [question.asker_email for question in _stored(database_url)] == [email]
