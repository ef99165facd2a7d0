from __future__ import annotations

import pytest
from tortoise import connections

from hub.db import with_sqlite_pragmas


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///tmp/a.sqlite3", "sqlite:///tmp/a.sqlite3?synchronous=NORMAL&busy_timeout=5000"),
        ("sqlite:///tmp/a.sqlite3?synchronous=FULL", "sqlite:///tmp/a.sqlite3?synchronous=FULL&busy_timeout=5000"),
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
