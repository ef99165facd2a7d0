"""Orders from a CSV file, one row per order line (columns in docs/csv-import.md)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from hub.catalog.models import OrderSource
from hub.catalog.schema import InvalidOrder, OrderIn, merge_lines, parse_order
from hub.config import Settings
from hub.orders.ingest import chunks, ingest_orders

COLUMNS = (
    "order_id",
    "placed_at",
    "fulfilled_at",
    "delivered_at",
    "currency",
    "customer_email",
    "customer_name",
    "customer_id",
    "product_id",
    "product_name",
    "product_url",
    "product_image_url",
    "quantity",
    "price",
    "referral_code",
)
REQUIRED_COLUMNS = ("order_id", "placed_at", "customer_email", "product_id", "product_name", "price")
COLUMN_OF_PATH = {
    "id": "order_id",
    "customer/email": "customer_email",
    "customer/name": "customer_name",
    "customer/id": "customer_id",
    "lines/0/product/id": "product_id",
    "lines/0/product/name": "product_name",
    "lines/0/product/url": "product_url",
    "lines/0/product/image_url": "product_image_url",
    "lines/0/quantity": "quantity",
    "lines/0/price": "price",
}
IMPORT_CHUNK = 500


class CsvFileError(ValueError):
    """The file as a whole cannot be read as an order CSV."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


class ImportAborted(Exception):
    def __init__(self, problem: RowProblem) -> None:
        super().__init__(f"line {problem.line}: {problem.reason}")
        self.problem = problem


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def row_payload(row: Mapping[str, str | None]) -> dict[str, Any]:
    cell = {name: _blank_to_none(row.get(name)) for name in COLUMNS}
    product = {
        "id": cell["product_id"],
        "name": cell["product_name"],
        "url": cell["product_url"],
        "image_url": cell["product_image_url"],
    }
    return {
        "id": cell["order_id"],
        "currency": cell["currency"],
        "placed_at": cell["placed_at"],
        "fulfilled_at": cell["fulfilled_at"],
        "delivered_at": cell["delivered_at"],
        "referral_code": cell["referral_code"],
        "customer": {
            "email": cell["customer_email"],
            "name": cell["customer_name"],
            "id": cell["customer_id"],
        },
        "lines": [{"product": product, "quantity": cell["quantity"] or "1", "price": cell["price"]}],
    }


def _reason(error: InvalidOrder) -> str:
    return "; ".join(f"{COLUMN_OF_PATH.get(e.path, e.path)} {e.reason}" for e in error.errors)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str | None]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in REQUIRED_COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise CsvFileError(f"{path}: missing columns: {', '.join(missing)}")
        for row in reader:
            yield reader.line_num, row


@dataclass
class _Reading:
    orders: dict[str, OrderIn] = field(default_factory=dict)
    bad_orders: set[str] = field(default_factory=set)
    problems: list[RowProblem] = field(default_factory=list)

    def add(self, order: OrderIn) -> None:
        seen = self.orders.get(order.external_id)
        if seen is None:
            self.orders[order.external_id] = order
            return
        lines = merge_lines([*seen.lines, *order.lines])
        self.orders[order.external_id] = OrderIn(**{**vars(seen), "lines": lines})


def read_orders(path: Path, strict: bool = False) -> _Reading:
    """The file's orders and its bad rows; an order with a bad row is left out whole."""
    reading = _Reading()
    for line, row in _rows(path):
        try:
            reading.add(parse_order(row_payload(row), OrderSource.CSV.value))
        except InvalidOrder as error:
            problem = RowProblem(line, _reason(error))
            if strict:
                raise ImportAborted(problem) from None
            reading.problems.append(problem)
            reading.bad_orders.add((row.get("order_id") or "").strip())
    for external_id in reading.bad_orders:
        reading.orders.pop(external_id, None)
    return reading


async def import_orders(
    settings: Settings,
    path: Path,
    *,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import ``path``; with ``strict`` the first bad row aborts and nothing is stored."""
    reading = read_orders(path, strict)
    summary = ImportSummary(skipped=len(reading.bad_orders), problems=reading.problems)
    orders = list(reading.orders.values())
    transaction: AbstractAsyncContextManager[Any] = in_transaction() if strict else nullcontext()
    async with transaction:
        for done, part in enumerate(chunks(orders, IMPORT_CHUNK), start=1):
            for outcome in await ingest_orders(settings, part):
                summary.created += outcome.created
                summary.updated += not outcome.created
            if progress:
                progress(min(done * IMPORT_CHUNK, len(orders)), len(orders))
    return summary
