"""CLI commands of the catalog domain: the ``import`` group and ``import orders``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from hub.advocacy.backfill import request_history_rebuild
from hub.config import Settings
from hub.console import run_with_db, settings_or_exit
from hub.orders.csv_import import CsvFileError, ImportAborted, ImportSummary, import_orders


@click.command("orders")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Stop at the first bad row and store nothing (one transaction).")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; store nothing.")
def import_orders_command(file: Path, strict: bool, dry_run: bool) -> None:
    """Import orders from FILE.csv: the hub's own columns or Shopify's orders export, told
    apart by the header; one row per order line (see docs/import.md)."""

    settings = settings_or_exit()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"Importing {file.name}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        async def work(settings: Settings) -> ImportSummary:
            summary = await import_orders(settings, file, strict=strict, dry_run=dry_run, progress=advance)
            if not dry_run and (summary.created or summary.updated):
                await request_history_rebuild(f"orders import: {summary.created + summary.updated} orders")
            return summary

        try:
            summary = run_with_db(settings, work)
        except CsvFileError as error:
            raise click.ClickException(str(error)) from None
        except ImportAborted as error:
            problem = error.problem
            would = " would be" if dry_run else " was"
            raise click.ClickException(
                f"{file}:{problem.line}: {problem.reason}. Nothing{would} imported."
            ) from None
    _report(file, summary)


def _report(file: Path, summary: ImportSummary) -> None:
    for problem in summary.problems:
        click.echo(f"{file}:{problem.line}: {problem.reason}", err=True)
    counts = f"{summary.created}, updated {summary.updated}, skipped {summary.skipped} orders"
    if summary.dry_run:
        click.echo(f"Dry run: would have created {counts}. Nothing was stored.")
        return
    click.echo(f"Created {counts}.")
    if summary.created or summary.updated:
        click.echo("The worker rebuilds the stage history from the orders' dates next.")


import_commands: list[click.Command] = [import_orders_command]
