"""How long sending a survey to a 100,000-customer segment takes: the web request, then the worker.

    python bench/survey_send.py [CUSTOMERS] [ORDERS]

Fills a fresh SQLite database (and a PostgreSQL one when HUB_BENCH_DATABASE_URL is set,
e.g. postgres://postgres@127.0.0.1:5432/hub_bench — a database hub_bench_survey_send is
dropped and recreated) with bench/advocacy.py's ``fill_sqlite`` / ``fill_postgres``, makes
one active survey, then times:

1. the admin's POST to /admin/surveys/<id>/send (a logged-in moderator through httpx's
   ASGITransport) for the segment "ordered in the last two years" — it must return at once,
   storing the send only;
2. the worker expanding that round into one queued delivery per customer
   (``hub.survey_sends.jobs.expand_survey_sends``), in batches behind its cursor.

Mailing the deliveries is the mail path every other mail takes (see bench/mail.py).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import httpx
from tortoise.backends.base import executor

from bench.advocacy import NOW, fill_postgres, fill_sqlite
from hub import db as hub_db
from hub.app import create_app
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.survey_sends.jobs import expand_survey_sends
from hub.survey_sends.models import SurveyDelivery
from hub.surveys.models import Survey, SurveyQuestion

PASSWORD = "bench-password-long-enough"
MARKER = 'name="csrf_token" value="'


def _csrf(page: str) -> str:
    start = page.index(MARKER) + len(MARKER)
    return page[start : page.index('"', start)]


async def _prepare() -> Survey:
    await StaffUser.create(
        email="marketer@example.com",
        name="Marketer",
        roles="moderator",
        password_hash=hash_password(PASSWORD),
    )
    survey = await Survey.create(slug="pulse", name="Quarterly pulse", purpose="custom", is_active=True)
    await SurveyQuestion.create(survey=survey, kind="nps", prompt="Would you recommend us?", required=True)
    return survey


async def _post_send(app: object, survey: Survey) -> float:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:  # type: ignore[arg-type]
        login = await client.get("/login")
        await client.post(
            "/login",
            data={"email": "marketer@example.com", "password": PASSWORD, "csrf_token": _csrf(login.text)},
        )
        path = f"/admin/surveys/{survey.id}/send"
        token = _csrf((await client.get(path)).text)
        since = (NOW.date().replace(year=NOW.year - 2)).isoformat()
        started = time.perf_counter()
        response = await client.post(
            path,
            data={"csrf_token": token, "kind": "one_off", "last_order_after": since, "reminder_days": "5"},
        )
        seconds = time.perf_counter() - started
        assert response.status_code == 303, response.status_code
        return seconds


async def run(database_url: str, label: str) -> None:
    executor.EXECUTOR_CACHE.clear()
    settings = Settings(
        database_url=database_url,
        secret_key="bench-" + "x" * 40,
        env="test",
        data_dir=Path(tempfile.mkdtemp()),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        survey = await _prepare()
        request = await _post_send(app, survey)
        started = time.perf_counter()
        while await expand_survey_sends(settings, datetime.now(UTC)):
            pass
        expand = time.perf_counter() - started
        deliveries = await SurveyDelivery.all().count()
    print(
        f"{label}: the POST returned in {request * 1000:.0f} ms; the worker queued "
        f"{deliveries:,} deliveries in {expand:.1f} s"
    )


async def _fresh_pg(base: str) -> str:
    admin = await asyncpg.connect(base.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute("DROP DATABASE IF EXISTS hub_bench_survey_send WITH (FORCE)")
        await admin.execute("CREATE DATABASE hub_bench_survey_send")
    finally:
        await admin.close()
    return base.rsplit("/", 1)[0] + "/hub_bench_survey_send"


def main(customers: int = 100_000, orders: int = 300_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        asyncio.run(hub_db.migrate(f"sqlite://{path}"))
        fill_sqlite(path, customers, orders)
        asyncio.run(run(f"sqlite://{path}", "SQLite"))
    base = os.environ.get("HUB_BENCH_DATABASE_URL", "")
    if base:
        url = asyncio.run(_fresh_pg(base))
        asyncio.run(hub_db.migrate(url))
        asyncio.run(fill_postgres(url, customers, orders))
        asyncio.run(run(url, "PostgreSQL"))


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:3]))
