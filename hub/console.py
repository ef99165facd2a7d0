"""What the commands of every domain share: the settings or a clear exit, and the ORM around a job."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from tortoise.exceptions import OperationalError

from hub import db
from hub.config import Settings, SettingsError, load_settings

T = TypeVar("T")

# What SQLite and PostgreSQL say about a table that is not there: the database was never migrated.
MISSING_TABLE = ("no such table", "does not exist")


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def run_with_db(settings: Settings, work: Callable[[Settings], Awaitable[T]]) -> T:
    """Run ``work`` with the ORM open on the configured database, given the settings with the
    shop policy admins stored (``hub.policy``) on top of ``settings``."""
    from hub.policy.store import LivePolicy

    async def wrapped() -> T:
        await db.connect(settings.database_url)
        try:
            policy = LivePolicy(settings)
            await policy.refresh(force=True)
            return await work(policy.settings)
        except OperationalError as error:
            if any(words in str(error) for words in MISSING_TABLE):
                raise click.ClickException(
                    "The database lacks the hub's tables: run `feedback-hub migrate` first."
                ) from None
            raise
        finally:
            await db.disconnect()

    return asyncio.run(wrapped())
