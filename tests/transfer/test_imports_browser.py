"""An admin imports Shopify's orders export in headless Chromium: upload, preview, confirm, and the
progress bar reaches done. The worker's job runs on the hub's own loop, as the embedded worker does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from hub.config import Settings
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.transfer.jobs import run_imports
from tests.browser import ServedHub, chromium, on_sqlite_only, served_hub
from tests.conftest import PASSWORD, free_port, run_sync
from tests.transfer.test_admin_imports import SHOPIFY

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "alice@example.com"


@pytest.fixture
def served(settings: Settings, database_url: str) -> Iterator[ServedHub]:
    on_sqlite_only(database_url)
    settings = settings.with_overrides(base_url=f"http://127.0.0.1:{free_port()}")

    async def admin() -> None:
        await StaffUser.create(
            email=ADMIN_EMAIL, roles="admin", name="Alice Admin", password_hash=hash_password(PASSWORD)
        )

    run_sync(database_url, admin)
    with served_hub(settings) as hub:
        yield hub


@pytest.fixture
def browser(served: ServedHub) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _worker_pass(hub: ServedHub) -> int:
    return hub.call(lambda: run_imports(hub.settings, datetime.now(UTC)))


def _log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".admin-header .who")).to_contain_text("Alice Admin")


def test_an_admin_uploads_previews_confirms_and_watches_the_progress_bar_reach_done(
    served: ServedHub, browser: Browser
) -> None:
    problems: list[str] = []
    page = browser.new_context().new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    _log_in(page, served.base_url)
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")

    page.get_by_label("Orders", exact=True).check()
    page.get_by_label("CSV file").set_input_files(str(SHOPIFY))
    page.get_by_role("button", name="Upload and preview").click()
    checking = page.get_by_role("heading", name="Checking the file (a dry run: nothing is stored)")
    expect(checking).to_be_visible()
    expect(page.locator("#import-state")).to_have_text("uploaded")

    assert _worker_pass(served) == 1  # the dry run; the page notices by itself
    expect(page.locator("#import-state")).to_have_text("previewed")
    preview = page.locator("#preview")
    expect(preview.locator('[data-count="created"]')).to_have_text("3")
    expect(preview.locator('[data-count="invalid"]')).to_have_text("0")

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-state")).to_have_text("queued")
    bar = page.locator("#import-progress")
    expect(bar).to_be_visible()

    assert _worker_pass(served) == 1
    expect(page.locator("#import-state")).to_have_text("done")
    expect(bar).to_have_attribute("max", "3")
    expect(bar).to_have_attribute("value", "3")
    expect(page.locator("#report [data-count='created']")).to_have_text("3")
    expect(page.locator("#import-progress-text")).to_contain_text("Done: 3 of 3 orders")
    assert problems == []
