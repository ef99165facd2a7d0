"""CLI commands: ``customer export EMAIL`` and ``customer erase EMAIL``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from hub.config import Settings
from hub.console import run_with_db, settings_or_exit
from hub.privacy.erasure import ErasureReport, erase_customer, export_customer, find_customer

T = TypeVar("T")


def _run(work: Callable[[Settings], Awaitable[T]]) -> T:

    settings = settings_or_exit()
    return run_with_db(settings, work)


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


commands: list[click.Command] = [customer_group]
