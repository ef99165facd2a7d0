"""CLI commands of the feedback domain."""

from __future__ import annotations

import click

from hub.console import run_with_db, settings_or_exit
from hub.reviews.moderation import rescan_reviews


@click.command()
def rescan() -> None:
    """Check stored reviews against the profanity list again (run it after changing the list)."""
    settings = settings_or_exit()
    counts = run_with_db(settings, rescan_reviews)
    click.echo(
        f"Checked {counts.checked} reviews: {counts.held} held, {counts.masked} masked, "
        f"{counts.released} released."
    )


commands: list[click.Command] = [rescan]
