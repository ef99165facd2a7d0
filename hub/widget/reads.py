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
- on PostgreSQL (and inside a transaction on either database), through the ORM's own
  connection, which on asyncpg prepares each statement once per connection.

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
from datetime import datetime
from typing import Any, cast

from tortoise.backends.sqlite.client import SqliteClient
from tortoise.connection import get_connection

# Readers never wait for a writer in WAL mode; this bounds a stall of the event loop in
# the rare cases that still take a lock (a database not in WAL mode, WAL recovery).
BUSY_TIMEOUT_S = 0.25
# Pages read through a memory map instead of a read() into SQLite's own cache: a page
# of ten reviews touches a dozen scattered pages (about 20 % faster here). Address
# space only; the pages themselves are the operating system's file cache.
MMAP_BYTES = 1 << 30
CONNECTION = "default"


class _Readers(threading.local):
    """One read connection per SQLite client and thread, closed with the client."""

    def __init__(self) -> None:
        self.by_client: weakref.WeakKeyDictionary[SqliteClient, sqlite3.Connection] = (
            weakref.WeakKeyDictionary())


_readers = _Readers()


def _reader(client: SqliteClient) -> sqlite3.Connection:
    connection = _readers.by_client.get(client)
    if connection is None:
        connection = sqlite3.connect(client.filename, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                     check_same_thread=False)
        connection.execute("PRAGMA query_only = ON")
        connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        _readers.by_client[client] = connection
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
        return _reader(client).execute(sql, params).fetchall()
    if client.capabilities.dialect == "postgres":
        sql = _POSTGRES_SQL.get(sql) or _POSTGRES_SQL.setdefault(sql, _numbered(sql))
    _, rows = await client.execute_query(sql, list(params))
    # Typed as dicts, but asyncpg records and sqlite3 rows, both indexed by position.
    return cast(list[Sequence[Any]], rows)


def moment(value: datetime | str | None) -> datetime | None:
    """A datetime column's value as a datetime (SQLite hands back ISO text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def json_value(value: Any) -> Any:
    """A JSON column's value decoded (SQLite and asyncpg hand back text)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def marks(count: int) -> str:
    """``?, ?, …`` for an IN list of ``count`` values."""
    return ", ".join("?" * count)
