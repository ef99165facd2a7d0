"""feedback-hub advocacy backfill: rebuild the stage history from the orders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hub.advocacy.backfill import backfill, history_days
from hub.advocacy.facts import customer_id_bounds
from hub.advocacy.stages import Thresholds
from hub.console import run_with_db, settings_or_exit


@click.group()
def advocacy() -> None:
    """Customer stages, movement and advocates."""


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


async def _run(today: date, limits: Thresholds) -> str:
    low, high = await customer_id_bounds()
    days = await history_days(today)
    with _progress() as progress:
        task = progress.add_task("Snapshots", total=len(days) * max(high - low + 1, 0))
        results = await backfill(
            today,
            limits,
            on_batch=lambda done: progress.advance(task, done),
            on_day=lambda day: progress.update(task, description=f"Snapshot {day}"),
        )
    last = results[-1] if results else None
    counts = ", ".join(f"{n} {stage}" for stage, n in sorted(last.counts.items())) if last else ""
    return f"{len(results)} snapshots, from {days[0]} to {days[-1]}. Today: {counts or 'no customers'}."


@advocacy.command("backfill")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Take history up to this day instead of today (YYYY-MM-DD).",
)
def backfill_command(today: datetime | None) -> None:
    """Rebuild stage snapshots: the first of each month since the first order, plus today.

    An orders import asks the worker to do this by itself; run it by hand after changing
    the stage settings.
    """

    settings = settings_or_exit()
    day = today.date() if today else datetime.now(UTC).date()
    click.echo(run_with_db(settings, lambda settings: _run(day, Thresholds.from_settings(settings))))


commands: list[click.Command] = [advocacy]
