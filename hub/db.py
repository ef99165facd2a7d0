"""Tortoise configuration shared by the app, the worker, the CLI and the tests."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.migrations.api import migrate as migrate_api

from hub.config import env_setting
from hub.files import private_database

T = TypeVar("T")
# A concurrent writer that inserted the same key first, or a deadlock PostgreSQL broke by
# rolling one side back: both are cured by running the whole transaction again.
CONFLICTS = (IntegrityError, asyncpg.exceptions.TransactionRollbackError)

MODEL_MODULES = [
    "hub.links.models",
    "hub.staff.models",
    "hub.catalog.models",
    "hub.invites.models",
    "hub.reviews.models",
    "hub.photos.models",
    "hub.surveys.models",
    "hub.triage.models",
    "hub.triage.inbound.models",
    "hub.advocacy.models",
    "hub.community.models",
    "hub.mail.models",
    "hub.policy.models",
    "hub.transfer.models",
    "hub.webhooks.models",
    "hub.survey_sends.models",
]


# WAL (Tortoise's default) with synchronous=NORMAL never corrupts the file and
# skips a flush per commit; busy_timeout lets the web process and the worker wait
# for each other's writes instead of failing with "database is locked".
SQLITE_PRAGMAS = {"synchronous": "NORMAL", "busy_timeout": "5000"}


def with_sqlite_pragmas(database_url: str) -> str:
    if not database_url.startswith("sqlite://") or ":memory:" in database_url:
        return database_url
    missing = [f"{name}={value}" for name, value in SQLITE_PRAGMAS.items() if f"{name}=" not in database_url]
    if not missing:
        return database_url
    return database_url + ("&" if "?" in database_url else "?") + "&".join(missing)


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": with_sqlite_pragmas(database_url)},
        "apps": {
            "hub": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by `tortoise makemigrations` through [tool.tortoise] in pyproject.toml.
TORTOISE_ORM = tortoise_config(env_setting("database_url") or "sqlite://:memory:")


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


async def migrate(database_url: str) -> None:
    """Apply every migration in `migrations/` that the database has not seen."""
    private_database(database_url)
    try:
        await migrate_api(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


async def connect(database_url: str) -> None:
    """Open the ORM for a process that is not the web app (worker, CLI, scripts)."""
    private_database(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def disconnect() -> None:
    await Tortoise.close_connections()


async def retry_on_conflict(transaction: Callable[[], Awaitable[T]], attempts: int = 5) -> T:
    """Run ``transaction`` again, after a short random pause, while it loses a race.

    Each attempt must be a whole transaction: it sees what the winner committed and
    takes the update path. The last attempt's error is raised.
    """
    for attempt in range(1, attempts):
        try:
            return await transaction()
        except CONFLICTS:
            await asyncio.sleep(random.uniform(0, 0.02 * attempt))  # jitter, not security
    return await transaction()
