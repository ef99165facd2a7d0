"""The advocacy tests' clock (the end of June 2025) and a metrics API key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.staff.apikeys import create_api_key
from tests.mail.conftest import mailbox, smtp_server, smtp_settings  # noqa: F401  (aiosmtpd)

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


async def api_headers(scopes: list[str] | None = None) -> dict[str, str]:
    _key, raw = await create_api_key("metrics reader", scopes or ["metrics:read"])
    return {"Authorization": f"Bearer {raw}"}
