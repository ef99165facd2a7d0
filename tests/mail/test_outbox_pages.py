from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.staff.models import StaffUser
from tests.conftest import csrf_from
from tests.mail.conftest import queue_message

Login = Callable[[StaffUser], Awaitable[httpx.Response]]


@pytest.mark.parametrize("path", ["/admin/outbox", "/admin/outbox/1"])
async def test_it_refuses_the_outbox_to_an_agent(
    client: httpx.AsyncClient, login: Login, bob: StaffUser, settings: Settings, path: str
) -> None:
    await queue_message(settings)
    await login(bob)
    assert (await client.get(path)).status_code == 403


async def test_it_lists_messages_for_an_admin(
    client: httpx.AsyncClient, login: Login, alice: StaffUser, settings: Settings
) -> None:
    await queue_message(settings)
    await queue_message(settings, to="erin@example.net", status="failed", last_error="550 no")
    await login(alice)
    page = await client.get("/admin/outbox")
    assert page.status_code == 200
    assert page.text.count("Acme Outdoors: a test message") == 2
    failed_only = await client.get("/admin/outbox", params={"status": "failed"})
    assert failed_only.text.count("Acme Outdoors: a test message") == 1
    assert "550 no" in failed_only.text


async def test_it_previews_a_message_in_a_sandboxed_frame(
    client: httpx.AsyncClient, login: Login, alice: StaffUser, settings: Settings
) -> None:
    message = await queue_message(settings)
    await login(alice)
    page = await client.get(f"/admin/outbox/{message.id}")
    assert page.status_code == 200
    assert '<iframe class="mail-preview" sandbox srcdoc="' in page.text
    assert "&lt;strong&gt;test message&lt;/strong&gt;" in page.text
    assert '<pre class="mail-text">Hello Dana,' in page.text
    assert "Retry this message" not in page.text


async def test_an_admin_retries_a_failed_message(
    client: httpx.AsyncClient, login: Login, alice: StaffUser, settings: Settings
) -> None:
    message = await queue_message(settings, status="failed", attempts=8, last_error="timeout")
    await login(alice)
    path = f"/admin/outbox/{message.id}"
    token = await csrf_from(client, path)
    response = await client.post(f"{path}/retry", data={"csrf_token": token})
    assert response.status_code == 303
    await message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)


async def test_a_retry_needs_the_csrf_token(
    client: httpx.AsyncClient, login: Login, alice: StaffUser, settings: Settings
) -> None:
    message = await queue_message(settings, status="failed")
    await login(alice)
    response = await client.post(f"/admin/outbox/{message.id}/retry")
    assert response.status_code == 403
    assert (await OutboxMessage.get(id=message.id)).status == "failed"
