from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.catalog.models import Customer, Order, OrderLine
from hub.cli import main
from hub.config import Settings
from hub.orders.csv_import import ImportAborted, import_orders, read_orders

HEADER = (
    "order_id,placed_at,fulfilled_at,delivered_at,currency,customer_email,customer_name,"
    "customer_id,product_id,product_name,product_url,product_image_url,quantity,price,"
    "referral_code\n"
)
GOOD = [
    "A1,2025-03-01T10:00:00Z,,,USD,dana@example.com,Dana Buyer,,SKU-1,Trail Tent,,,1,199.90,\n",
    "A1,2025-03-01T10:00:00Z,,,USD,dana@example.com,Dana Buyer,,SKU-2,Camp Mug,,,2,12.50,\n",
    "A2,2025-03-02T10:00:00Z,,,EUR,erin@example.com,Erin,,SKU-2,Camp Mug,,,1,12.50,FRIEND\n",
]
BAD_PRICE = "A3,2025-03-03T10:00:00Z,,,USD,finn@example.com,Finn,,SKU-1,Tent,,,1,cheap,\n"
BAD_EMAIL = "A4,2025-03-03T10:00:00Z,,,USD,not-an-email,Gus,,SKU-1,Tent,,,1,1.00,\n"


def write_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "".join(rows))
    return path


async def test_it_imports_orders_with_their_lines(settings: Settings, db: str, tmp_path: Path) -> None:
    summary = await import_orders(settings, write_csv(tmp_path, *GOOD))
    assert (summary.created, summary.updated, summary.skipped) == (2, 0, 0)
    assert await OrderLine.filter(order__external_id="A1").count() == 2
    assert (await Order.get(external_id="A2")).referral_code == "FRIEND"
    again = await import_orders(settings, write_csv(tmp_path, *GOOD))
    assert (again.created, again.updated) == (0, 2)


async def test_it_reports_bad_rows_by_line_and_imports_the_rest(
    settings: Settings, db: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, GOOD[0], GOOD[1], BAD_PRICE, BAD_EMAIL, GOOD[2])
    summary = await import_orders(settings, path)
    assert [(p.line, p.reason) for p in summary.problems] == [
        (4, "price must be a number from 0 to 9999999999.99"),
        (5, "customer_email is not an email address"),
    ]
    assert (summary.created, summary.skipped) == (2, 2)
    assert sorted(await Order.all().values_list("external_id", flat=True)) == ["A1", "A2"]


async def test_strict_mode_stops_at_the_first_bad_row_and_stores_nothing(
    settings: Settings, db: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, *GOOD, BAD_PRICE)
    with pytest.raises(ImportAborted) as raised:
        await import_orders(settings, path, strict=True)
    assert raised.value.problem.line == 5
    assert not await Order.exists()
    assert not await Customer.exists()


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    return {
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_SECRET_KEY": settings.secret_key,
    }


def test_the_command_prints_a_summary_and_the_bad_lines(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path, *GOOD, BAD_PRICE)
    result = CliRunner().invoke(main, ["import", "orders", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "Created 2, updated 0, skipped 1 orders." in result.stdout
    assert f"{path}:5: price must be" in result.stderr


def test_the_strict_command_fails_naming_the_file_and_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path, BAD_EMAIL, *GOOD)
    result = CliRunner().invoke(main, ["import", "orders", "--strict", str(path)], env=cli_env)
    assert result.exit_code == 1
    assert f"{path}:2: customer_email is not an email address" in result.stderr


def test_a_file_without_the_required_columns_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("id,email\n1,a@example.com\n")
    result = CliRunner().invoke(main, ["import", "orders", str(path)], env=cli_env)
    assert result.exit_code == 1
    assert "missing columns: order_id, placed_at" in result.stderr


SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfilled at,Currency,Total,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Cancelled at,"
    "Refunded Amount\n"
)
PAID = "2025-03-01 10:05:00 +0100"
FULFILLED = "2025-03-03 09:00:00 +0100"
CANCELLED = "2025-03-04 12:00:00 +0100"


def shopify_csv(tmp_path: Path, status: str, refunded: str = "", cancelled: str = "") -> Path:
    path = tmp_path / "orders_export.csv"
    first = (
        f"#1001,dana@example.com,{status},{PAID},{FULFILLED},EUR,40.00,2025-03-01 10:00:00 +0100,"
        f"1,Trail Tent,30.00,TENT,Dana Buyer,{cancelled},{refunded}\n"
    )
    path.write_text(SHOPIFY_HEADER + first + "#1001,,,,,,,,2,Camp Mug,5.00,,,,\n", encoding="utf-8-sig")
    return path


def refund(at: str, amount: str) -> list[dict[str, object]]:
    return [{"id": "csv", "refunded_at": at, "amount": amount, "lines": []}]


@pytest.mark.parametrize(
    ("status", "refunded", "cancelled", "expected"),
    [
        ("paid", "", "", {"cancelled_at": None}),
        ("paid", "0.00", "", {"cancelled_at": None}),
        ("refunded", "", "", {"cancelled_at": None, "refunds": refund(FULFILLED, "40.00")}),
        ("refunded", "40.00", CANCELLED, {"cancelled_at": CANCELLED, "refunds": refund(CANCELLED, "40.00")}),
        ("partially_refunded", "12.50", "", {"cancelled_at": None, "refunds": refund(FULFILLED, "12.50")}),
        ("Partially Refunded", "12.50", "", {"cancelled_at": None, "refunds": refund(FULFILLED, "12.50")}),
        ("voided", "", "", {"cancelled_at": FULFILLED}),
        ("voided", "", CANCELLED, {"cancelled_at": CANCELLED}),
    ],
)
def test_the_shopify_refund_columns_become_the_orders_cancellation_and_refunds(
    tmp_path: Path, status: str, refunded: str, cancelled: str, expected: dict[str, object]
) -> None:
    [(_rows, payload)] = list(read_orders(shopify_csv(tmp_path, status, refunded, cancelled)).payloads())
    assert {key: payload.get(key) for key in expected} == expected
    assert "refunds" in payload or "refunds" not in expected
    assert payload["lines"] == [
        {"product": {"id": "TENT", "name": "Trail Tent"}, "quantity": "1", "price": "30.00"},
        {"product": {"id": "Camp Mug", "name": "Camp Mug"}, "quantity": "2", "price": "5.00"},
    ]
    assert (payload["id"], payload["customer"]["name"], payload["total"]) == ("#1001", "Dana Buyer", "40.00")


HUB_REFUND_HEADER = HEADER.replace("\n", ",financial_status,refunded_amount,refunded_at,cancelled_at,total\n")


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (",,,,", {"cancelled_at": None}),
        ("refunded,,,,", {"refunds": refund("2025-03-01T10:00:00Z", "224.90")}),
        ("refunded,,,,230.00", {"refunds": refund("2025-03-01T10:00:00Z", "230.00")}),
        (
            "partially_refunded,12.50,2025-03-05T08:00:00Z,,",
            {"refunds": refund("2025-03-05T08:00:00Z", "12.50")},
        ),
        ("voided,,,,", {"cancelled_at": "2025-03-01T10:00:00Z"}),
        ("paid,,,2025-03-02T08:00:00Z,", {"cancelled_at": "2025-03-02T08:00:00Z"}),
    ],
)
def test_the_hub_refund_columns_become_the_orders_cancellation_and_refunds(
    tmp_path: Path, columns: str, expected: dict[str, object]
) -> None:
    path = tmp_path / "orders.csv"
    first = GOOD[0].replace("\n", f",{columns}\n")
    following = "A1,,,,,,,,SKU-2,Camp Mug,,,2,12.50,,,,,,\n"
    path.write_text(HUB_REFUND_HEADER + first + following)
    [(_rows, payload)] = list(read_orders(path).payloads())
    assert {key: payload.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("status", "refunded", "reason"),
    [
        ("cashback", "", "Financial Status must be one of pending, authorized"),
        ("partially_refunded", "", "Refunded Amount is required when Financial Status is partially_refunded"),
    ],
)
async def test_a_financial_status_that_cannot_be_read_names_its_line(
    settings: Settings, db: str, tmp_path: Path, status: str, refunded: str, reason: str
) -> None:
    summary = await import_orders(settings, shopify_csv(tmp_path, status, refunded))
    assert [p.line for p in summary.problems] == [2]
    assert summary.problems[0].reason.startswith(reason)
    assert (summary.created, summary.skipped) == (0, 1)


async def test_a_shopify_order_without_an_email_is_refused_by_its_column_and_line(
    settings: Settings, db: str, tmp_path: Path
) -> None:
    path = shopify_csv(tmp_path, "paid")
    path.write_text(
        path.read_text(encoding="utf-8-sig").replace("dana@example.com", ""), encoding="utf-8-sig"
    )
    summary = await import_orders(settings, path)
    assert [(p.line, p.reason) for p in summary.problems] == [(2, "Email is required")]


def test_a_row_that_is_not_utf8_is_named_by_its_line_and_the_rest_is_imported(
    settings: Settings, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    good = "".join(GOOD[2].replace("A2", f"A{n}") for n in range(2000))
    bad = b"B1,2025-03-03T10:00:00Z,,,USD,x@example.com,Ren\xe9,,S,T,,,1,1.00,\n"
    path.write_bytes(HEADER.encode() + bad + good.encode())
    result = CliRunner().invoke(main, ["import", "orders", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert f"{path}:2: is not UTF-8 text" in result.stderr
    assert "Created 2000, updated 0, skipped 1 orders." in result.stdout
