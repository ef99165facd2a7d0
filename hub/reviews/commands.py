"""CLI commands of the feedback domain."""

from __future__ import annotations

import asyncio

import click

from hub import db
from hub.config import Settings, SettingsError, load_settings
from hub.reviews.moderation import RescanCounts, rescan_reviews


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


async def _rescan(settings: Settings) -> RescanCounts:
    await db.connect(settings.database_url)
    try:
        return await rescan_reviews(settings)
    finally:
        await db.disconnect()


@click.command()
def rescan() -> None:
    """Check stored reviews against the profanity list again (run it after changing the list)."""
    settings = _settings()
    counts = asyncio.run(_rescan(settings))
    click.echo(
        f"Checked {counts.checked} reviews: {counts.held} held, {counts.masked} masked, "
        f"{counts.released} released."
    )


commands: list[click.Command] = [rescan]
