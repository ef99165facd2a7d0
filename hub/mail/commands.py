"""CLI commands of the mail domain: the worker that sends mail and runs every domain's jobs."""

from __future__ import annotations

import asyncio

import click

from hub import db
from hub.config import Settings, SettingsError, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


async def _once(settings: Settings) -> dict[str, int]:
    from hub.worker import run_once

    await db.connect(settings.database_url)
    try:
        return await run_once(settings)
    finally:
        await db.disconnect()


async def _forever(settings: Settings) -> None:
    from hub.worker import install_signal_handlers, run_forever

    stop = asyncio.Event()
    install_signal_handlers(stop)
    await db.connect(settings.database_url)
    try:
        await run_forever(settings, stop)
    finally:
        await db.disconnect()


@click.command()
@click.option("--once", is_flag=True, help="Run one pass of every due job, print the counts, exit.")
def worker(once: bool) -> None:
    """Send queued mail and run every background job (stop with Ctrl-C or SIGTERM)."""
    settings = _settings()
    if not once:
        asyncio.run(_forever(settings))
        return
    counts = asyncio.run(_once(settings))
    for name, count in counts.items():
        click.echo(f"{name}: {count}")


commands: list[click.Command] = [worker]
