"""CLI commands: ``import reviews FILE [--format APP] [--map COLUMN=FIELD]`` and ``export KIND``."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, TypeVar

import click
from rich.console import Console
from rich.progress import Progress

from hub.config import Settings
from hub.console import run_with_db, settings_or_exit
from hub.transfer.cells import DateOrder
from hub.transfer.export import FORMATS, KINDS, ExportError, start_export
from hub.transfer.formats import FORMATS as REVIEW_FORMATS
from hub.transfer.formats import REVIEW_FIELDS
from hub.transfer.reviews_import import ReviewFileError, ReviewImportSummary, import_reviews

T = TypeVar("T")


def _run(work: Callable[[Settings], Awaitable[T]]) -> T:

    settings = settings_or_exit()
    return run_with_db(settings, work)


@click.command("reviews")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(REVIEW_FORMATS)),
    help="The app the file was exported from; read from the header when left out (docs/import.md).",
)
@click.option(
    "--date-order",
    type=click.Choice([order.value for order in DateOrder]),
    help="How to read dates like 3/2/2024 (day-first or month-first) when the file cannot tell.",
)
@click.option(
    "--map",
    "column_map",
    multiple=True,
    metavar="COLUMN=FIELD",
    help=f"Read COLUMN as FIELD (any other file; repeat): {', '.join(REVIEW_FIELDS)}.",
)
@click.option("--dry-run", is_flag=True, help="Report what would be imported; store nothing.")
def import_reviews_command(
    file: Path, format_name: str | None, date_order: str | None, column_map: tuple[str, ...], dry_run: bool
) -> None:
    """Import reviews from Judge.me, Yotpo, Okendo, Shopify Product Reviews, Loox, Stamped.io or any CSV."""
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"Importing {file.name}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            summary = _run(
                lambda settings: import_reviews(
                    settings,
                    file,
                    format_name,
                    dry_run=dry_run,
                    progress=advance,
                    date_order=date_order,
                    column_map=column_map,
                )
            )
        except ReviewFileError as error:
            raise click.ClickException(str(error)) from None
    _report(file, summary)


def _report(file: Path, summary: ReviewImportSummary) -> None:
    would = "would be " if summary.dry_run else ""
    click.echo(f"{file}: read as {REVIEW_FORMATS[summary.format_name].label} ({summary.format_name})")
    for outcome in summary.outcomes:
        if outcome.action == "bad":
            click.echo(f"{file}:{outcome.line}: {outcome.reason}", err=True)
        elif outcome.action == "skipped":
            click.echo(f"{file}:{outcome.line}: {would}skipped: {outcome.reason}")
        elif summary.dry_run:
            click.echo(f"{file}:{outcome.line}: would be created ({outcome.reason})")
    reasons = Counter(outcome.reason for outcome in summary.outcomes if outcome.action == "skipped")
    why = f" ({', '.join(f'{n} {reason}' for reason, n in sorted(reasons.items()))})" if reasons else ""
    counts = (
        f"created {summary.count('created')}, skipped {summary.count('skipped')}{why}, "
        f"{len(summary.problems)} bad rows"
    )
    if summary.dry_run:
        click.echo(f"Dry run: would have {counts}. Nothing was stored.")
    else:
        click.echo(f"Reviews: {counts}.")


async def _write_export(kind: str, fmt: str, out: IO[str]) -> None:
    lines = await start_export(None, kind, fmt, channel="cli")
    async for text in lines:
        out.write(text)


@click.command("export")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.option("--format", "fmt", default="csv", show_default=True, type=click.Choice(FORMATS))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def export_command(kind: str, fmt: str, output: Path | None) -> None:
    """Export KIND (reviews, survey_responses, cases, customers) as CSV or JSON Lines."""
    try:
        if output is None:
            _run(lambda _settings: _write_export(kind, fmt, sys.stdout))
            return
        with output.open("w", encoding="utf-8", newline="") as handle:
            _run(lambda _settings: _write_export(kind, fmt, handle))
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {kind} to {output}.", err=True)


commands: list[click.Command] = [export_command]
import_commands: list[click.Command] = [import_reviews_command]
