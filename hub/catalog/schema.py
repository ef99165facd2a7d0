"""Validating an incoming order: one shape for the API, the webhooks and CSV rows.

``parse_order`` turns a JSON-like mapping into an ``OrderIn`` or raises
``InvalidOrder`` listing every bad field by its path (``lines/0/price``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from hub.web.safe_urls import url_refusal

MAX_LINES = 500
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("9999999999.99")
MAX_URL = 1000  # Product.url and Product.image_url
CENT = Decimal("0.01")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class FieldError:
    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


class InvalidOrder(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.reason}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class CustomerIn:
    email: str
    name: str = ""
    external_id: str | None = None


@dataclass(frozen=True)
class LineIn:
    product_id: str
    product_name: str
    quantity: int
    price: Decimal
    product_url: str = ""
    product_image_url: str = ""


@dataclass(frozen=True)
class OrderIn:
    source: str
    external_id: str
    customer: CustomerIn
    placed_at: datetime
    lines: tuple[LineIn, ...]
    currency: str = "USD"
    total: Decimal | None = None
    fulfilled_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled_at: datetime | None = None
    referral_code: str | None = None
    # What was dropped rather than refused (a webhook's bad link), to report back.
    notes: tuple[FieldError, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.external_id)

    def line_total(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal("0"))


def normalise_email(raw: str) -> str:
    return raw.strip().lower()


@dataclass
class _Reader:
    """Reads fields of one mapping, collecting errors instead of stopping at the first."""

    errors: list[FieldError] = field(default_factory=list)
    # Store webhooks: a bad link is dropped with a note rather than the whole order refused.
    lenient_urls: bool = False
    notes: list[FieldError] = field(default_factory=list)

    def fail(self, path: str, reason: str) -> None:
        self.errors.append(FieldError(path, reason))

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.fail(path, "must be an object")
        return {}

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False,
             max_length: int = 255) -> str:
        value = data.get(key)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            value = str(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(path, "must be a string")
            return ""
        if len(value.strip()) > max_length:
            self.fail(path, f"must be at most {max_length} characters")
            return ""
        return value.strip()

    def url(self, data: Mapping[str, Any], key: str, path: str) -> str:
        """An optional http(s) link; another one is refused, or dropped with a note if lenient."""
        value = self.text(data, key, path, max_length=MAX_URL)
        reason = url_refusal(value) if value else None
        if reason is None:
            return value
        if self.lenient_urls:
            self.notes.append(FieldError(path, f"{reason}; not stored"))
        else:
            self.fail(path, reason)
        return ""

    def moment(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
               ) -> datetime | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, "is required")
            return None
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(path, "must be an ISO 8601 date and time, e.g. 2025-03-01T12:00:00Z")
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)

    def money(self, data: Mapping[str, Any], key: str, path: str) -> Decimal:
        value = data.get(key)
        if isinstance(value, float | bool) or value is None:
            self.fail(path, "must be a decimal number written as a string, e.g. \"19.90\"")
            return Decimal("0")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or not Decimal("0") <= amount <= MAX_PRICE:
            self.fail(path, "must be a number from 0 to 9999999999.99")
            return Decimal("0")
        if amount != amount.quantize(CENT):
            self.fail(path, "must have at most two decimal places")
        return amount.quantize(CENT)

    def quantity(self, data: Mapping[str, Any], key: str, path: str) -> int:
        value = data.get(key, 1)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "must be a whole number")
            return 0
        if not 1 <= value <= MAX_QUANTITY:
            self.fail(path, f"must be from 1 to {MAX_QUANTITY}")
        return value


def _customer(reader: _Reader, data: Mapping[str, Any]) -> CustomerIn:
    email = normalise_email(reader.text(data, "email", "customer/email", required=True,
                                        max_length=254))
    if email and not EMAIL_PATTERN.match(email):
        reader.fail("customer/email", "is not an email address")
    name = reader.text(data, "name", "customer/name", max_length=200)
    external_id = reader.text(data, "id", "customer/id", max_length=64) or None
    return CustomerIn(email=email, name=name, external_id=external_id)


def _line(reader: _Reader, data: Mapping[str, Any], path: str) -> LineIn:
    product = reader.mapping(data.get("product"), f"{path}/product")
    return LineIn(
        product_id=reader.text(product, "id", f"{path}/product/id", required=True, max_length=64),
        product_name=reader.text(product, "name", f"{path}/product/name", required=True),
        product_url=reader.url(product, "url", f"{path}/product/url"),
        product_image_url=reader.url(product, "image_url", f"{path}/product/image_url"),
        quantity=reader.quantity(data, "quantity", f"{path}/quantity"),
        price=reader.money(data, "price", f"{path}/price"),
    )


def _lines(reader: _Reader, value: Any) -> tuple[LineIn, ...]:
    if not isinstance(value, list) or not value:
        reader.fail("lines", "must be a list of at least one line")
        return ()
    if len(value) > MAX_LINES:
        reader.fail("lines", f"must hold at most {MAX_LINES} lines")
        return ()
    lines = [_line(reader, reader.mapping(item, f"lines/{i}"), f"lines/{i}")
             for i, item in enumerate(value)]
    return merge_lines(lines)


def merge_lines(lines: list[LineIn]) -> tuple[LineIn, ...]:
    """One line per product: the same product twice (two variants) adds up its quantity."""
    merged: dict[str, LineIn] = {}
    for line in lines:
        seen = merged.get(line.product_id)
        if seen is None:
            merged[line.product_id] = line
            continue
        merged[line.product_id] = LineIn(
            seen.product_id, seen.product_name, seen.quantity + line.quantity, seen.price,
            seen.product_url, seen.product_image_url)
    return tuple(merged.values())


def _currency(reader: _Reader, data: Mapping[str, Any]) -> str:
    currency = reader.text(data, "currency", "currency", max_length=3).upper() or "USD"
    if not CURRENCY_PATTERN.match(currency):
        reader.fail("currency", "must be a three-letter ISO 4217 code, e.g. USD")
    return currency


def parse_order(data: Any, source: str, *, lenient_urls: bool = False) -> OrderIn:
    """The order in ``data``, or ``InvalidOrder`` naming each bad field and why.

    With ``lenient_urls`` (store webhooks) a link that is not http(s) is left empty and
    named in ``OrderIn.notes`` instead.
    """
    reader = _Reader(lenient_urls=lenient_urls)
    data = reader.mapping(data, "/")
    order = OrderIn(
        source=source,
        external_id=reader.text(data, "id", "id", required=True, max_length=64),
        customer=_customer(reader, reader.mapping(data.get("customer"), "customer")),
        currency=_currency(reader, data),
        placed_at=reader.moment(data, "placed_at", "placed_at", required=True)
        or datetime.now(UTC),
        fulfilled_at=reader.moment(data, "fulfilled_at", "fulfilled_at"),
        delivered_at=reader.moment(data, "delivered_at", "delivered_at"),
        cancelled_at=reader.moment(data, "cancelled_at", "cancelled_at"),
        referral_code=reader.text(data, "referral_code", "referral_code", max_length=64) or None,
        total=reader.money(data, "total", "total") if data.get("total") is not None else None,
        lines=_lines(reader, data.get("lines")),
        notes=tuple(reader.notes),
    )
    if reader.errors:
        raise InvalidOrder(reader.errors)
    return order
