"""An agent reads the support report in headless Chromium: every chart is an image with a name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hub.config import Settings
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from tests.browser import chromium, on_sqlite_only, served_hub
from tests.conftest import PASSWORD, free_port, run_sync
from tests.triage.report_cases import make_report_cases
from tests.widget.test_widget_browser import _axe

pytestmark = pytest.mark.browser


def test_an_agent_reads_the_report_and_narrows_it_to_one_agent(settings: Settings, database_url: str) -> None:
    on_sqlite_only(database_url)
    settings = settings.with_overrides(base_url=f"http://127.0.0.1:{free_port()}")

    async def cases() -> None:
        alice = await StaffUser.create(
            email="alice@example.com",
            roles="admin",
            name="Alice Admin",
            password_hash=hash_password(PASSWORD),
        )
        bob = await StaffUser.create(
            email="bob@example.com", roles="agent", name="Bob Agent", password_hash=hash_password(PASSWORD)
        )
        await make_report_cases(settings, alice, bob)

    run_sync(database_url, cases)
    with served_hub(settings) as hub, chromium() as browser:
        page = browser.new_context(bypass_csp=True).new_page()
        page.goto(hub.base_url + "/login")
        page.fill("#email", "bob@example.com")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(hub.base_url + "/admin/cases/report?from=2025-01-13&to=2025-01-26")
        expect(page.get_by_role("img", name="Recovery rate", exact=True)).to_be_visible()
        expect(page.get_by_role("img")).to_have_count(10)
        assert _axe(page) == []
        page.get_by_role("combobox", name="Agent").select_option(label="Alice Admin")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("#support-figures tbody tr")).to_have_count(2)  # the team and Alice
        expect(page.locator("#support-figures")).to_contain_text("Alice Admin")
