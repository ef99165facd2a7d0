from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base import executor
from tortoise.migrations.api import migrate as migrate_api

from hub.db import connect, disconnect, migrate, tortoise_config, with_sqlite_pragmas
from hub.triage.models import Case
from tests.conftest import BACKENDS, _pg_admin, _pg_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///tmp/a.sqlite3", "sqlite:///tmp/a.sqlite3?synchronous=NORMAL&busy_timeout=5000"),
        (
            "sqlite:///tmp/a.sqlite3?synchronous=FULL",
            "sqlite:///tmp/a.sqlite3?synchronous=FULL&busy_timeout=5000",
        ),
        ("sqlite://:memory:", "sqlite://:memory:"),
        ("postgres://u@h/db", "postgres://u@h/db"),
    ],
)
def test_it_adds_the_sqlite_pragmas_unless_given(url: str, expected: str) -> None:
    assert with_sqlite_pragmas(url) == expected


async def test_sqlite_connections_wait_for_a_busy_database(db: str) -> None:
    if not db.startswith("sqlite"):
        pytest.skip("a SQLite pragma; PostgreSQL has row locks")
    rows = await connections.get("default").execute_query_dict("PRAGMA busy_timeout")
    assert rows[0]["timeout"] == 5000


CASE_ROW = (
    "INSERT INTO triage_case (status, priority, reasons, evidence, first_response_due_at,"
    " resolution_due_at, first_response_at, resolution_code, resolution_note,"
    " recovery_comment, created_at, updated_at) VALUES ('open', 'normal', '[]', '[]',"
    " '2025-03-11 12:00:00+00:00', '2025-03-13 12:00:00+00:00', {answered}, '', '', '',"
    " '2025-03-10 12:00:00+00:00', '2025-03-10 12:00:00+00:00')"
)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, to migrate step by step."""
    executor.EXECUTOR_CACHE.clear()
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'empty.sqlite3'}"
        return
    name = f"hubempty_{os.getpid()}"
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    asyncio.run(_pg_admin(f"CREATE DATABASE {name}"))
    yield _pg_url(name)
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def test_upgrading_gives_existing_cases_their_next_sla_deadline(empty_database_url: str) -> None:
    """Migration 0005 fills breach_at for cases stored before it, by the rule Case.next_breach uses."""
    database_url = empty_database_url
    await migrate_api(config=tortoise_config(database_url), target="hub.0004_add_delivery_started")
    try:
        connection = connections.get("default")
        await connection.execute_script(CASE_ROW.format(answered="NULL"))
        await connection.execute_script(CASE_ROW.format(answered="'2025-03-10 13:00:00+00:00'"))
    finally:
        await Tortoise.close_connections()
    await migrate(database_url)
    await connect(database_url)
    try:
        cases = await Case.all().order_by("id")
        assert [case.breach_at for case in cases] == [
            datetime(2025, 3, 11, 12, tzinfo=UTC),
            datetime(2025, 3, 13, 12, tzinfo=UTC),
        ]
        assert [case.breach_at for case in cases] == [case.next_breach() for case in cases]
    finally:
        await disconnect()
