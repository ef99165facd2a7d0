"""Raw SQL for the grouped figures the ORM cannot express, on SQLite and PostgreSQL alike.

Queries are written with ``?`` placeholders; on PostgreSQL they become ``$1, $2 …``.
"""

from __future__ import annotations

import re
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

_PLACEHOLDER = re.compile(r"\?")


def connection() -> BaseDBAsyncClient:
    return connections.get("default")


def is_postgres() -> bool:
    return connection().capabilities.dialect == "postgres"


def numbered(sql: str) -> str:
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _m: f"${next(counter)}", sql)


def month_of(column: str) -> str:
    """An expression giving ``YYYY-MM`` of a timestamp column."""
    if is_postgres():
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"
    return f"substr({column}, 1, 7)"


async def fetch(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    if is_postgres():
        sql = numbered(sql)
    return await connection().execute_query_dict(sql, list(params))


async def execute_many(sql: str, rows: list[list[Any]]) -> None:
    if is_postgres():
        sql = numbered(sql)
    await connection().execute_many(sql, rows)


async def execute(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """One statement that returns nothing (an ``INSERT … SELECT``, an ``UPDATE``)."""
    if is_postgres():
        sql = numbered(sql)
    await connection().execute_query(sql, list(params))
