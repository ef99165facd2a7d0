"""A shopper asks a question on the no-JS Q&A fragment in a real browser (headless Chromium)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from hub.app import create_app
from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.community.models import Question
from hub.config import Settings
from tests.conftest import run_sync

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread]:
    app = create_app(settings)
    port = int(settings.base_url.rsplit(":", 1)[1])
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", http="h11", ws="none", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return server, thread


@dataclass
class Served:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def served(settings: Settings, database_url: str) -> Iterator[Served]:
    if not database_url.startswith("sqlite://"):
        pytest.skip("the browser test runs on SQLite")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")

    async def tent() -> None:
        product = await Product.create(external_id="tent-2p", name="Two-person tent")
        fay = await Customer.create(email="fay@example.net", name="Fay Buyer")
        order = await Order.create(
            source="api", external_id="o-fay", customer=fay, placed_at=datetime.now(UTC)
        )
        await OrderLine.create(order=order, product=product)

    run_sync(database_url, tent)
    url = f"http://127.0.0.1:{_free_port()}"
    served = Served(url, *_serve(settings.with_overrides(base_url=url)))
    yield served
    served.stop()


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
    served: Served, database_url: str, email: str, body: str, notice: str
) -> None:
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "favicon" not in str(message.location.get("url"))
                else None
            ),
        )
        page.goto(f"{served.url}/widget/products/tent-2p/questions")
        page.get_by_label("Your question").fill(body)
        page.get_by_label("Your email").fill(email)
        page.get_by_role("button", name="Ask").click()
        expect(page.get_by_role("status")).to_contain_text(notice)
        if "published" in notice:
            expect(page.locator(".qa-question")).to_contain_text(body)
        else:
            expect(page.locator(".qa-question")).to_have_count(0)
        browser.close()
    served.stop()
    assert problems == [], problems
    assert [question.asker_email for question in _stored(database_url)] == [email]
