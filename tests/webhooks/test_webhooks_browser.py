"""An admin adds a webhook in headless Chromium, copies its secret, and reads the delivery log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from hub.config import Settings
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.webhooks.delivery import deliver_webhooks
from tests.browser import chromium, on_sqlite_only, served_hub
from tests.conftest import PASSWORD, free_port, run_sync
from tests.triage.conftest import make_case
from tests.webhooks.conftest import Receiver
from tests.widget.test_widget_browser import _axe

pytestmark = pytest.mark.browser


async def _admin() -> None:
    await StaffUser.create(
        email="alice@example.com", roles="admin", name="Alice Admin", password_hash=hash_password(PASSWORD)
    )


def test_an_admin_adds_an_endpoint_and_reads_its_log(
    settings: Settings, database_url: str, receiver: Receiver
) -> None:
    on_sqlite_only(database_url)
    settings = settings.with_overrides(
        base_url=f"http://127.0.0.1:{free_port()}", webhook_allow=("127.0.0.1",)
    )
    run_sync(database_url, _admin)
    with served_hub(settings) as hub, chromium() as browser:
        page = browser.new_context(bypass_csp=True).new_page()
        page.goto(hub.base_url + "/login")
        page.fill("#email", "alice@example.com")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Webhooks").click()
        expect(page).to_have_url(hub.base_url + "/admin/webhooks")
        assert _axe(page) == []
        page.get_by_label("Name").fill("Helpdesk")
        page.get_by_label("Address (https://…)").fill(receiver.url)
        page.get_by_role("checkbox", name="case.opened").check()
        page.get_by_role("button", name="Add endpoint").click()
        secret = page.locator("#new-webhook-secret").inner_text()
        assert secret.startswith("whsec_")
        receiver.secret = secret

        hub.call(lambda: make_case(settings))
        hub.call(lambda: deliver_webhooks(settings, datetime.now(UTC)))
        assert [r.verified for r in receiver.received] == [True]
        page.goto(hub.base_url + "/admin/webhooks")
        assert secret not in page.content()
        page.get_by_role("link", name="Deliveries of Helpdesk").click()
        row = page.locator("tbody tr").first
        expect(row).to_contain_text("case.opened")
        expect(row).to_contain_text("delivered")
        expect(row).to_contain_text("HTTP 204")
        assert _axe(page) == []
        page.get_by_role("button", name="Pause").click()
        expect(page.locator("#endpoint-state")).to_contain_text("paused")
