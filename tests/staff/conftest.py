"""Clients from other addresses and browsers, a real SMTP server, and TOTP helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import httpx
import pyotp
import pytest
from starlette.applications import Starlette

from hub.staff.models import StaffUser
from tests.conftest import csrf_from
from tests.mail.conftest import mailbox, smtp_server, smtp_settings  # noqa: F401 (fixtures)

ClientFrom = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def client_from(app: Starlette, client: httpx.AsyncClient) -> AsyncIterator[ClientFrom]:
    """More clients of the running app (``client`` holds its lifespan), from ``ip``."""
    async with AsyncExitStack() as stack:

        async def make(ip: str, user_agent: str = "pytest-browser") -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(ip, 50_000))
            return await stack.enter_async_context(
                httpx.AsyncClient(
                    transport=transport, base_url="http://testserver", headers={"User-Agent": user_agent}
                )
            )

        yield make


def code_for(secret: str, steps_ahead: int = 0) -> str:
    moment = datetime.now(UTC) + timedelta(seconds=30 * steps_ahead)
    return pyotp.TOTP(secret).at(moment)


async def enrol(client: httpx.AsyncClient) -> tuple[str, list[str]]:
    """Enrol the signed-in user of ``client``: (the TOTP secret, the recovery codes)."""
    page = await client.get("/account/two-factor")
    marker = '<code id="totp-key">'
    start = page.text.index(marker) + len(marker)
    secret = page.text[start : page.text.index("<", start)]
    token = await csrf_from(client, "/account/two-factor")
    done = await client.post("/account/two-factor", data={"code": code_for(secret), "csrf_token": token})
    assert done.status_code == 200, done.text
    codes = [part.split("</code>")[0] for part in done.text.split("<li><code>")[1:]]
    return secret, codes


async def submit_code(client: httpx.AsyncClient, code: str) -> httpx.Response:
    token = await csrf_from(client, "/login/two-factor")
    return await client.post("/login/two-factor", data={"code": code, "csrf_token": token})


async def fresh(user: StaffUser) -> StaffUser:
    return await StaffUser.get(id=user.id)
