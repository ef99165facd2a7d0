"""CLI commands of the invites domain."""

from __future__ import annotations

import click

from hub.catalog.models import Order
from hub.config import Settings
from hub.console import run_with_db, settings_or_exit


async def _orders(number: str, source: str) -> list[Order]:
    query = Order.filter(external_id=number, customer__erased_at=None)
    return await (query.filter(source=source) if source else query).order_by("source")


@click.command("review-link")
@click.argument("order_number")
@click.option(
    "--source",
    default="",
    help="The order's source (api, shopify, woocommerce, csv), when two sources use the same number.",
)
def review_link(order_number: str, source: str) -> None:
    """Print a fresh review link for an order, to send by hand (stored mail shows masked links only)."""
    from hub.invites.links import reissue_review_link

    settings = settings_or_exit()

    async def work(settings: Settings) -> str:
        orders = await _orders(order_number, source)
        if len(orders) != 1:
            found = ", ".join(order.source for order in orders)
            raise click.ClickException(
                f"order {order_number}: "
                + (
                    f"several sources use this number ({found}); choose one with --source"
                    if orders
                    else "no such order (or its customer was erased)"
                )
            )
        return await reissue_review_link(settings, orders[0])

    click.echo(run_with_db(settings, work))


commands: list[click.Command] = [review_link]
