"""CLI commands: ``import reviews``, ``export KIND`` and ``customer export|erase``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress

from hub.config import Settings
from hub.orders.commands import import_group
from hub.privacy.erasure import ErasureReport, erase_customer, export_customer, find_customer
from hub.transfer.export import FORMATS, KINDS, ExportError, start_export
from hub.transfer.formats import FORMATS as REVIEW_FORMATS
from hub.transfer.reviews_import import ReviewFileError, ReviewImportSummary, import_reviews

T = TypeVar("T")


def _run(work: Callable[[Settings], Awaitable[T]]) -> T:
    from hub.console import run_with_db, settings_or_exit  # the cli module loads this one

    settings = settings_or_exit()
    return run_with_db(settings, lambda: work(settings))


@import_group.command("reviews")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_name",
    required=True,
    type=click.Choice(list(REVIEW_FORMATS)),
    help="The app the file was exported from, or generic (see docs/data.md).",
)
@click.option("--dry-run", is_flag=True, help="Report what would be imported; store nothing.")
def import_reviews_command(file: Path, format_name: str, dry_run: bool) -> None:
    """Import reviews from a Judge.me, Yotpo, Okendo or generic CSV export."""
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"Importing {file.name}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            summary = _run(
                lambda settings: import_reviews(
                    settings, file, format_name, dry_run=dry_run, progress=advance
                )
            )
        except ReviewFileError as error:
            raise click.ClickException(str(error)) from None
    _report(file, summary)


def _report(file: Path, summary: ReviewImportSummary) -> None:
    would = "would be " if summary.dry_run else ""
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


@click.group("customer")
def customer_group() -> None:
    """Privacy requests: a customer's data, or erasing it."""


async def _customer_json(email: str) -> dict[str, Any] | None:
    customer = await find_customer(email)
    return await export_customer(None, customer, channel="cli") if customer else None


@customer_group.command("export")
@click.argument("email")
def customer_export(email: str) -> None:
    """Print everything the hub holds about the customer with EMAIL, as JSON."""
    data = _run(lambda _settings: _customer_json(email))
    if data is None:
        raise click.ClickException("No customer has this email address.")
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


async def _erase(settings: Settings, email: str, delete_reviews: bool) -> ErasureReport | None:
    customer = await find_customer(email)
    if customer is None:
        return None
    return await erase_customer(settings, None, customer, delete_reviews=delete_reviews)


@customer_group.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--delete-reviews", is_flag=True, help="Delete the reviews instead of anonymising them.")
def customer_erase(email: str, yes: bool, delete_reviews: bool) -> None:
    """Erase the personal data of the customer with EMAIL (orders and ratings stay, anonymised)."""
    what = "delete their reviews" if delete_reviews else "anonymise their reviews"
    if not yes:
        click.confirm(f"Erase this customer's personal data and {what}? This cannot be undone", abort=True)
    report = _run(lambda settings: _erase(settings, email, delete_reviews))
    if report is None:
        raise click.ClickException("No customer has this email address.")
    done = "deleted" if report.reviews_deleted else "anonymised"
    click.echo(
        f"Erased customer {report.customer_id}: {report.reviews} reviews {done}, "
        f"{report.photos} photos deleted, {report.answers_blanked} answers blanked, "
        f"{report.messages_deleted} messages deleted."
    )


commands: list[click.Command] = [export_command, customer_group]
