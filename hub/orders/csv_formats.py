"""The two order CSV layouts the import reads: the hub's own columns and Shopify's orders export.

Each layout turns an order's rows (its first row and its continuation rows) into the
payload the orders API takes (``hub.catalog.schema.parse_order``), and names the column
behind each payload path so that a bad field is reported by the column the shop knows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from hub.catalog.models import EXTERNAL_ID_LENGTH, OrderSource

Row = Mapping[str, str | None]

FINANCIAL_STATUSES = (
    "pending",
    "authorized",
    "partially_paid",
    "paid",
    "partially_refunded",
    "refunded",
    "voided",
    "expired",
    "unpaid",
)


def cell(row: Row, column: str) -> str | None:
    value = row.get(column)
    return value.strip() if value and value.strip() else None


@dataclass(frozen=True)
class Layout:
    name: str
    key: str  # the column naming the order on every one of its rows
    required: tuple[str, ...]
    order: Mapping[str, str]  # order field -> column, read from the order's first row
    line: Mapping[str, str]  # line field -> column, read from every row
    starts: tuple[str, ...]  # columns only an order's first row fills
    # The column with the store's own id of the order, and the source its webhooks come as:
    # an order the file names so is the one the store's webhooks update later, not a copy.
    store_id: str = ""
    store: str = ""

    def source_of(self, first: Row) -> tuple[str, str | None]:
        """The order's source and id: the store's own when the row has it, else the file's key."""
        own = cell(first, self.store_id) if self.store_id else None
        return (self.store, own) if own else (OrderSource.CSV.value, cell(first, self.key))

    def column_of(self, path: str) -> str:
        """The column behind a payload path (``lines/2/price`` -> ``price``)."""
        parts = path.split("/")
        if parts[0] == "lines" and len(parts) > 2:
            field = "/".join(parts[2:])
            return self.line.get(field) or self.line.get(field.replace("/id", "/sku"), path)
        if parts[0] == "refunds":
            return self.order.get("refunded_amount", path)
        return self.order.get(path.replace("customer/", "customer_"), path)

    def payload(self, rows: Sequence[Row]) -> dict[str, Any]:
        first = {name: cell(rows[0], column) for name, column in self.order.items()}
        payload: dict[str, Any] = {
            "id": self.source_of(rows[0])[1],
            "currency": first.get("currency"),
            "placed_at": first.get("placed_at") or first.get("paid_at"),
            "fulfilled_at": first.get("fulfilled_at"),
            "delivered_at": first.get("delivered_at"),
            "cancelled_at": first.get("cancelled_at"),
            "referral_code": _first_code(first.get("referral_code")),
            "customer": {
                "email": first.get("customer_email"),
                "name": first.get("customer_name") or first.get("shipping_name"),
                "id": first.get("customer_id"),
                "country": first.get("customer_country") or first.get("shipping_country"),
            },
            "lines": [self._line(row) for row in rows],
        }
        if first.get("total") is not None:
            payload["total"] = first["total"]
        payload.update(money_back(first, payload))
        return payload

    def _line(self, row: Row) -> dict[str, Any]:
        value = {name: cell(row, column) for name, column in self.line.items()}
        name = value.get("product/name")
        product_id = value.get("product/id") or value.get("product/sku") or product_key_of(name)
        product = {"id": product_id, "name": name}
        for optional in ("url", "image_url"):
            if f"product/{optional}" in value:
                product[optional] = value[f"product/{optional}"]
        return {"product": product, "quantity": value.get("quantity") or "1", "price": value.get("price")}


def _first_code(codes: str | None) -> str | None:
    """Shopify lists several discount codes joined by commas; the webhook reads the first too."""
    return codes.split(",")[0].strip() or None if codes else None


def product_key_of(name: str | None) -> str | None:
    """A line with neither product id nor SKU names its product by its name (hashed when too long)."""
    if not name or len(name) <= EXTERNAL_ID_LENGTH:
        return name
    return f"name-{hashlib.sha256(name.encode()).hexdigest()[:40]}"


def financial_status(raw: str | None) -> str | None:
    return raw.strip().lower().replace(" ", "_").replace("-", "_") if raw else None


def status_refusal(layout: Layout, row: Row) -> str | None:
    """Why the financial status of an order's first row cannot be read, if it cannot."""
    column, amount_column = layout.order["financial_status"], layout.order["refunded_amount"]
    status = financial_status(cell(row, column))
    if status is not None and status not in FINANCIAL_STATUSES:
        return f"{column} must be one of {', '.join(FINANCIAL_STATUSES)}"
    amount = cell(row, amount_column)
    if status == "partially_refunded" and (amount is None or _is_zero(amount)):
        return f"{amount_column} is required when {column} is partially_refunded"
    return None


def money_back(first: Mapping[str, str | None], payload: Mapping[str, Any]) -> dict[str, Any]:
    """``cancelled_at`` and ``refunds`` from the financial status, refunded amount and dates.

    A file carries no refund date: the refund is dated at the order's cancellation, else at
    its last known date. ``refunded`` without an amount is the whole total; ``voided`` (never
    charged) is a cancellation.
    """
    status = financial_status(first.get("financial_status"))
    amount = first.get("refunded_amount")
    if amount is not None and _is_zero(amount):
        amount = None
    when = first.get("refunded_at") or _last_date(first, payload)
    changes: dict[str, Any] = {}
    if status == "voided" and not payload.get("cancelled_at"):
        changes["cancelled_at"] = when
    if status == "refunded" and amount is None:
        amount = payload.get("total") or whole_total(payload["lines"])
    if amount is not None:
        changes["refunds"] = [{"id": "csv", "refunded_at": when, "amount": amount, "lines": []}]
    return changes


def _is_zero(amount: str) -> bool:
    try:
        return float(amount) == 0
    except ValueError:
        return False


def _last_date(first: Mapping[str, str | None], payload: Mapping[str, Any]) -> str | None:
    for name in ("cancelled_at", "delivered_at", "fulfilled_at", "paid_at"):
        if first.get(name):
            return first[name]
    return payload.get("placed_at")


def whole_total(lines: Sequence[Mapping[str, Any]]) -> str | None:
    """The lines' sum, or None when a line's price or quantity is not a number (parse_order says why)."""
    try:
        total = sum(Decimal(str(ln["price"])) * int(str(ln["quantity"])) for ln in lines)
    except (InvalidOperation, ValueError, TypeError):
        return None
    return str(Decimal(total).quantize(Decimal("0.01")))


HUB = Layout(
    name="hub",
    key="order_id",
    required=("order_id", "placed_at", "customer_email", "product_id", "product_name", "price"),
    order={
        "id": "order_id",
        "placed_at": "placed_at",
        "fulfilled_at": "fulfilled_at",
        "delivered_at": "delivered_at",
        "cancelled_at": "cancelled_at",
        "currency": "currency",
        "total": "total",
        "customer_email": "customer_email",
        "customer_name": "customer_name",
        "customer_id": "customer_id",
        "customer_country": "customer_country",
        "referral_code": "referral_code",
        "financial_status": "financial_status",
        "refunded_amount": "refunded_amount",
        "refunded_at": "refunded_at",
    },
    line={
        "product/id": "product_id",
        "product/name": "product_name",
        "product/url": "product_url",
        "product/image_url": "product_image_url",
        "quantity": "quantity",
        "price": "price",
    },
    starts=("placed_at", "customer_email"),
)

SHOPIFY = Layout(
    name="shopify",
    key="Name",
    required=("Name", "Email", "Created at", "Lineitem name", "Lineitem price"),
    order={
        "id": "Name",
        "placed_at": "Created at",
        "paid_at": "Paid at",
        "fulfilled_at": "Fulfilled at",
        "cancelled_at": "Cancelled at",
        "currency": "Currency",
        "total": "Total",
        "customer_email": "Email",
        "customer_name": "Billing Name",
        "shipping_name": "Shipping Name",
        "shipping_country": "Shipping Country",
        "referral_code": "Discount Code",
        "financial_status": "Financial Status",
        "refunded_amount": "Refunded Amount",
    },
    line={
        "product/sku": "Lineitem sku",
        "product/name": "Lineitem name",
        "quantity": "Lineitem quantity",
        "price": "Lineitem price",
    },
    starts=("Email", "Created at", "Financial Status", "Currency", "Total"),
    store_id="Id",
    store=OrderSource.SHOPIFY.value,
)


def layout_of(header: Sequence[str]) -> Layout:
    """Shopify's export when its header has Shopify's ``Name`` and ``Lineitem name``; else the hub's."""
    return SHOPIFY if {"Name", "Lineitem name"} <= set(header) else HUB
