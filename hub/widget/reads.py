"""Plain SQL for the widget's hot reads: a product's scope, a page of reviews, their extras.

An uncached widget answer is three or four indexed reads of a few rows each. The read
itself takes tens of microseconds; through the ORM each one cost 0.3–0.5 ms of query
building, a hop to aiosqlite's thread and back (waiting for the GIL under load) and
row conversion, which held uncached answers to a seventh of what the server can serve.

So the statements here are written once, with `?` placeholders, and run:

- on SQLite, synchronously on the event loop's thread, from a connection of this
  module's own that may only read (`PRAGMA query_only`). The hub runs SQLite in WAL
  mode, where a reader never waits for a writer, and an indexed read of ten rows costs
  less than the hop to a thread would;
- on PostgreSQL, inside a transaction, on a SQLite file not in WAL mode, and when a
  SQLite read meets a lock, through the ORM's own connection (on asyncpg each
  statement is prepared once per connection).

Rows come back as tuples in the order of the SELECT. Values are as the driver gives
them: on SQLite, booleans are 0/1, datetimes ISO text and JSON text (see `moment`,
`json_value`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import quote

from tortoise.backends.sqlite.client import SqliteClient
from tortoise.connection import get_connection

# Readers never wait for a writer in WAL mode. Where one still meets a lock (WAL
# recovery), it waits this long at most, then the read goes through the ORM's thread.
BUSY_TIMEOUT_S = 0.05
CONNECTION = "default"
_WAITING = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

# One reader per Tortoise client, closed when the client goes; None where the file is
# not in WAL mode (there a reader would wait for writers on the event loop's thread).
_readers: weakref.WeakKeyDictionary[SqliteClient, sqlite3.Connection | None] = weakref.WeakKeyDictionary()
# The app runs on one thread; a test's client may call from another.
_reading = threading.Lock()


def _open(filename: str) -> sqlite3.Connection | None:
    """A read-only connection to an existing database in WAL mode, else None."""
    try:
        connection = sqlite3.connect(
            f"file:{quote(filename)}?mode=rw",
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.OperationalError:  # no such file: the ORM's own error is clearer
        return None
    if str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        connection.close()
        return None
    connection.execute("PRAGMA query_only = ON")
    return connection


def _reader(client: SqliteClient) -> sqlite3.Connection | None:
    if client in _readers:
        return _readers[client]
    connection = _readers[client] = _open(client.filename)
    if connection is not None:
        weakref.finalize(client, connection.close)
    return connection


def _numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2, …`` (the SQL here has no ``?`` literals)."""
    parts = sql.split("?")
    return parts[0] + "".join(f"${number}{part}" for number, part in enumerate(parts[1:], start=1))


_POSTGRES_SQL: dict[str, str] = {}


async def fetch(sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
    """The rows of ``sql`` (written with ``?`` placeholders) on the hub's database."""
    client = get_connection(CONNECTION)
    if type(client) is SqliteClient and client.filename != ":memory:":
        reader = _reader(client)
        if reader is not None:
            try:
                with _reading:
                    return reader.execute(sql, params).fetchall()
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", None) not in _WAITING:
                    raise
    if client.capabilities.dialect == "postgres":
        sql = _POSTGRES_SQL.get(sql) or _POSTGRES_SQL.setdefault(sql, _numbered(sql))
    _, rows = await client.execute_query(sql, list(params))
    # Typed as dicts, but asyncpg records and sqlite3 rows, both indexed by position.
    return cast(list[Sequence[Any]], rows)


def moment(value: datetime | str | None) -> datetime | None:
    """A datetime column's value in UTC, as the ORM gives it (SQLite hands back ISO text)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def json_value(value: Any) -> Any:
    """A JSON column's value decoded (SQLite and asyncpg hand back text)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def marks(count: int) -> str:
    """``?, ?, …`` for an IN list of ``count`` values."""
    return ", ".join("?" * count)
