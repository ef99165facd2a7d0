"""Every order export in ../shared/data/exports/orders goes through the real import,
and what is stored is compared field by field with the file, read here with csv alone."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hub.catalog.models import Customer, Order
from hub.cli import main
from hub.config import Settings
from hub.orders.csv_import import import_orders, read_orders
from tests.conftest import run_sync
from tests.orders.conftest import Send

ROOT = Path(__file__).resolve().parents[2]
# shared/ lies beside the project; a helper's worktree (/work/wt/NAME) has it one level up.
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if p.exists()), ROOT.parent / "shared"
)
EXPORTS = SHARED / "data" / "exports" / "orders"
SHOPIFY = EXPORTS / "shopify_orders_export.csv"
HUB = EXPORTS / "hub_format_from_shopify_export.csv"
FILES = sorted(EXPORTS.glob("*.csv"))
assert FILES, f"no order exports in {EXPORTS}"


def source_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def moment(text: str) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z") if text else None


def expected_orders(path: Path) -> dict[str, dict[str, Any]]:
    """What each order of the file says, read the way the file's own documentation reads it:
    by Shopify's own order id (``Id``, what its webhooks send) where the export has one."""
    shopify = path == SHOPIFY
    orders: dict[str, dict[str, Any]] = {}
    keys: dict[str, str] = {}
    for row in source_rows(path):
        name = row["Name"] if shopify else row["order_id"]
        if name not in keys:
            keys[name] = (row["Id"] if shopify else "") or name
        key = keys[name]
        if key not in orders:
            orders[key] = _order_columns(row, shopify)
        sku = row["Lineitem sku"] if shopify else row["product_id"]
        name = row["Lineitem name"] if shopify else row["product_name"]
        quantity = int(row["Lineitem quantity"] if shopify else row["quantity"] or 1)
        price = Decimal(row["Lineitem price"] if shopify else row["price"])
        lines = orders[key]["lines"]
        product = sku or name
        seen = lines.get(product)
        lines[product] = (name, (seen[1] if seen else 0) + quantity, price)
    return orders


def _order_columns(row: dict[str, str], shopify: bool) -> dict[str, Any]:
    if shopify:
        return {
            "source": "shopify" if row["Id"] else "csv",
            "email": row["Email"],
            "name": row["Billing Name"] or row["Shipping Name"],
            "currency": row["Currency"],
            "placed_at": moment(row["Created at"]),
            "fulfilled_at": moment(row["Fulfilled at"]),
            "cancelled_at": moment(row["Cancelled at"]),
            "referral_code": row["Discount Code"] or None,
            "total": Decimal(row["Total"]),
            "lines": {},
        }
    return {
        "source": "csv",
        "email": row["customer_email"],
        "name": row["customer_name"],
        "currency": row["currency"],
        "placed_at": moment(row["placed_at"]),
        "fulfilled_at": moment(row["fulfilled_at"]),
        "cancelled_at": None,
        "referral_code": row["referral_code"] or None,
        "total": None,
        "lines": {},
    }


def shopify_ids() -> dict[str, str]:
    """The export's order names (``#1001``) by Shopify's id of the order, where it has one."""
    return {row["Id"]: row["Name"] for row in source_rows(SHOPIFY) if row["Id"]}


async def stored_orders() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for order in await Order.all().prefetch_related("customer", "lines__product"):
        found[order.external_id] = {
            "source": order.source,
            "email": order.customer.email,
            "name": order.customer.name,
            "currency": order.currency,
            "placed_at": order.placed_at,
            "fulfilled_at": order.fulfilled_at,
            "cancelled_at": order.cancelled_at,
            "referral_code": order.referral_code,
            "total": order.total,
            "lines": {
                line.product.external_id: (line.product.name, line.quantity, line.unit_price)
                for line in order.lines
            },
        }
    return found


def assert_stored_as_in(path: Path, stored: dict[str, dict[str, Any]]) -> None:
    expected = expected_orders(path)
    assert sorted(stored) == sorted(expected)
    for key, order in expected.items():
        if order["total"] is None:  # the hub's columns carry no total: it is the lines' sum
            order["total"] = sum(q * p for _n, q, p in order["lines"].values())
        assert stored[key] == order, key


def _shipping_countries(path: Path) -> dict[str, str]:
    rows = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
    return {
        row["Email"].lower(): row["Shipping Country"]
        for row in rows
        if row["Email"] and row["Shipping Country"]
    }


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
async def test_import_orders_stores_each_export_as_it_is_written(
    settings: Settings, db: str, path: Path
) -> None:
    summary = await import_orders(settings, path)
    assert (summary.created, summary.skipped, summary.problems) == (len(expected_orders(path)), 0, [])
    assert_stored_as_in(path, await stored_orders())
    if path.name == "shopify_orders_export.csv":  # its Shipping Country column, for segments
        shipped = _shipping_countries(path)
        stored = await Customer.filter(email__in=list(shipped)).values_list("email", "country")
        assert shipped and dict(stored) == shipped


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_command_imports_each_export_without_an_option(
    settings: Settings, cli_env: dict[str, str], path: Path
) -> None:
    result = CliRunner().invoke(main, ["import", "orders", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert f"Created {len(expected_orders(path))}, updated 0, skipped 0 orders." in result.stdout
    assert_stored_as_in(path, run_sync(settings.database_url, stored_orders))
    again = CliRunner().invoke(main, ["import", "orders", str(path)], env=cli_env)
    assert f"Created 0, updated {len(expected_orders(path))}, skipped 0 orders." in again.stdout


async def test_the_shopify_export_and_the_hub_columns_store_the_same_orders(
    settings: Settings, db: str
) -> None:
    """Customers, dates, currency and codes agree; lines agree where both files list the same
    lines (the hub file names #1002 and #1003's products by product ids the export lacks, and
    lists one Green Snowboard where the export has two)."""
    await import_orders(settings, SHOPIFY)
    names = shopify_ids()
    from_shopify = {names.get(key, key): order for key, order in (await stored_orders()).items()}
    await Order.all().delete()
    await import_orders(settings, HUB)
    from_hub = await stored_orders()
    assert sorted(from_shopify) == sorted(from_hub)
    by_name = {names.get(key, key): order for key, order in expected_orders(SHOPIFY).items()}
    same_lines = 0
    for key, order in from_hub.items():
        other = from_shopify[key]
        for name in (
            "email",
            "name",
            "currency",
            "placed_at",
            "fulfilled_at",
            "cancelled_at",
            "referral_code",
        ):
            assert order[name] == other[name], (key, name)
        if by_name[key]["lines"] == expected_orders(HUB)[key]["lines"]:
            assert order["lines"] == other["lines"], key
            same_lines += 1
    assert same_lines >= 1


HUB_HEADER = (
    "order_id,placed_at,fulfilled_at,delivered_at,currency,customer_email,customer_name,"
    "customer_id,product_id,product_name,product_url,product_image_url,quantity,price,referral_code\n"
)


def test_a_continuation_row_without_its_first_row_is_named_by_its_line(
    settings: Settings, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        HUB_HEADER
        + "A1,2025-03-01 10:00:00 +0100,,,EUR,dana@example.com,Dana,,SKU-1,Tent,,,1,199.00,\n"
        + "A1,,,,,,,,SKU-2,Mug,,,2,12.50,\n"
        + "A9,,,,,,,,SKU-2,Mug,,,1,12.50,\n"
    )
    result = CliRunner().invoke(main, ["import", "orders", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert f"{path}:4: continues order A9, but no row above starts it" in result.stderr
    assert "Created 1, updated 0, skipped 1 orders." in result.stdout
    stored = run_sync(settings.database_url, stored_orders)
    assert stored["A1"]["lines"] == {
        "SKU-1": ("Tent", 1, Decimal("199.00")),
        "SKU-2": ("Mug", 2, Decimal("12.50")),
    }


def test_a_continuation_row_that_changes_its_order_is_refused_by_line(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        HUB_HEADER
        + "A1,2025-03-01T10:00:00Z,,,EUR,dana@example.com,Dana,,SKU-1,Tent,,,1,199.00,\n"
        + "A1,,,,,erin@example.com,,,SKU-2,Mug,,,2,12.50,\n"
        + "A2,2025-03-02T10:00:00Z,,,EUR,erin@example.com,Erin,,SKU-2,Mug,,,1,12.50,\n"
        + "A1,2025-03-01T10:00:00Z,,,EUR,dana@example.com,Dana,,SKU-3,Cup,,,1,2.50,\n"
    )
    orders = read_orders(path)
    assert [order.external_id for order in orders] == ["A2"]
    assert [(p.line, p.reason) for p in orders.problems] == [
        (3, "customer_email differs from the first row of order A1 (line 2)"),
        (5, "order A1 started at line 2; the rows of an order must follow each other"),
    ]


async def test_an_exported_order_and_its_webhook_are_one_order(
    settings: Settings, db: str, send_shopify: Send
) -> None:
    """Shopify's documented order 450789469 is in the export and in the shared webhook bodies:
    importing the history and then connecting the webhooks keeps one order, not two."""
    await import_orders(settings, SHOPIFY)
    exported = await Order.get(source="shopify", external_id="450789469")
    body = json.loads(
        (SHARED / "data" / "webhooks" / "shopify" / "shopify_python_api_order.json").read_text()
    )
    response = await send_shopify(body, topic="orders/updated")
    assert response.json()["status"] == "updated" and response.json()["id"] == exported.id
    assert await Order.filter(external_id__in=["450789469", "#1001"]).count() == 1
