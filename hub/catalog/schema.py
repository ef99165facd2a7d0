"""Validating an incoming order: one shape for the API, the webhooks and CSV rows.

``parse_order`` turns a JSON-like mapping into an ``OrderIn`` or raises
``InvalidOrder`` listing every bad field by its path (``lines/0/price``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from tortoise.models import Model

from hub.catalog.models import MAX_TAG, MAX_TAGS, Customer, Order, Product, Refund
from hub.web import params
from hub.web.columns import column_length, cut
from hub.web.errors import FieldError, InvalidInput
from hub.web.safe_urls import url_refusal

MAX_LINES = 500
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("9999999999.99")
CENT = Decimal("0.01")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
T = TypeVar("T")


InvalidOrder = InvalidInput  # the one (field, reason) error type, under the name ingest reads


@dataclass(frozen=True)
class CustomerIn:
    email: str
    name: str = ""
    external_id: str | None = None
    # ISO 3166-1 alpha-2, upper case; "" when the order did not say.
    country: str = ""
    # The store's tags for the customer; None when the order did not carry them (kept as they are).
    tags: tuple[str, ...] | None = None


@dataclass(frozen=True)
class LineIn:
    product_id: str
    product_name: str
    quantity: int
    price: Decimal
    product_url: str = ""
    product_image_url: str = ""


@dataclass(frozen=True)
class RefundLineIn:
    """Part of a line given back; without an amount, the quantity at the line's price."""

    product_id: str
    quantity: int
    amount: Decimal | None = None


@dataclass(frozen=True)
class RefundIn:
    """A refund as the store sent it; without an amount, its lines' amounts add up to it."""

    external_id: str
    refunded_at: datetime
    amount: Decimal | None
    lines: tuple[RefundLineIn, ...] = ()


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
    discount_codes: tuple[str, ...] = ()
    # Digests of the shipping address and phone (``contact_key``), never the values.
    shipping_key: str = ""
    phone_key: str = ""
    refunds: tuple[RefundIn, ...] = ()
    # What was cut, left out or dropped (webhooks only): path and what happened.
    notes: tuple[FieldError, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.external_id)

    def line_total(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal("0"))


def contact_key(value: str, *, phone: bool = False) -> str:
    """A digest of a shipping address or phone that compares equal across spellings; the
    referral fraud rules compare them, the values themselves are never stored."""
    text = re.sub(r"\D", "", value)[-9:] if phone else " ".join(re.findall(r"\w+", value.casefold()))
    return hashlib.sha256(text.encode()).hexdigest() if text else ""


def normalise_email(raw: str) -> str:
    return raw.strip().lower()


@dataclass
class _Reader:
    """Reads fields of one mapping, collecting errors instead of stopping at the first.

    With ``cut`` (a store's webhook, which must not be refused for a long name) text
    that only names something is cut to its column and the cut noted; ids, addresses
    and links are never cut: a cut one would name another row or page.
    """

    cut: bool = False
    errors: list[FieldError] = field(default_factory=list)
    notes: list[FieldError] = field(default_factory=list)

    def fail(self, path: str, reason: str) -> None:
        self.errors.append(FieldError(path, reason))

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.fail(path, "must be an object")
        return {}

    def _read(self, parse: Callable[..., T | None], value: Any, path: str, fallback: T, **options: Any) -> T:
        try:
            found = parse(value, path, **options)
        except InvalidInput as error:
            self.errors.extend(error.errors)
            return fallback
        return fallback if found is None else found

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        column: tuple[type[Model], str],
        *,
        required: bool = False,
        cuttable: bool = False,
    ) -> str:
        value = data.get(key)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            value = str(value)
        if self.cut and cuttable and isinstance(value, str):
            value = cut(*column, value.strip(), self.notes, path)
        length = column_length(*column)
        return self._read(params.text, value, path, "", max_length=length, required=required)

    def link(self, data: Mapping[str, Any], key: str, path: str, column: tuple[type[Model], str]) -> str:
        """An optional http(s) link; from a webhook, a bad or too long one is left out with a note."""
        value, length = data.get(key), column_length(*column)
        if self.cut and isinstance(value, str) and len(value.strip()) > length:
            self.notes.append(FieldError(path, f"was left out: longer than {length} characters"))
            return ""
        text = self.text(data, key, path, column)
        reason = url_refusal(text) if text else None
        if reason is None:
            return text
        if self.cut:
            self.notes.append(FieldError(path, f"{reason}; not stored"))
        else:
            self.fail(path, reason)
        return ""

    def moment(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> datetime | None:
        return self._read(params.moment, data.get(key), path, None, required=required)

    def money(self, data: Mapping[str, Any], key: str, path: str) -> Decimal:
        value = data.get(key)
        if isinstance(value, float | bool) or value is None:
            self.fail(path, 'must be a decimal number written as a string, e.g. "19.90"')
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
        return self._read(params.whole, data.get(key), path, 0, low=1, high=MAX_QUANTITY, default=1)


def _customer(reader: _Reader, data: Mapping[str, Any]) -> CustomerIn:
    email = normalise_email(reader.text(data, "email", "customer/email", (Customer, "email"), required=True))
    if email and not EMAIL_PATTERN.match(email):
        reader.fail("customer/email", "is not an email address")
    name = reader.text(data, "name", "customer/name", (Customer, "name"), cuttable=True)
    external_id = reader.text(data, "id", "customer/id", (Customer, "external_id")) or None
    return CustomerIn(
        email=email,
        name=name,
        external_id=external_id,
        country=_country(reader, data),
        tags=_tags(reader, data.get("tags")),
    )


def _country(reader: _Reader, data: Mapping[str, Any]) -> str:
    raw = data.get("country")
    if raw in (None, ""):
        return ""
    country = raw.strip().upper() if isinstance(raw, str) else ""
    if not COUNTRY_PATTERN.match(country):
        reader.fail("customer/country", "must be a two-letter country code (ISO 3166-1), e.g. DE")
        return ""
    return country


def _tags(reader: _Reader, raw: Any) -> tuple[str, ...] | None:
    """A list of tags, or one string of them separated by commas (as Shopify sends them)."""
    if raw is None:
        return None
    given = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(given, list) or not all(isinstance(tag, str) for tag in given):
        reader.fail("customer/tags", "must be a list of tags or a string of them separated by commas")
        return None
    tags = tuple(dict.fromkeys(tag.strip() for tag in given if tag.strip()))
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG or "," in tag for tag in tags):
        reader.fail("customer/tags", f"give at most {MAX_TAGS} tags of at most {MAX_TAG} characters")
        return None
    return tags


def _line(reader: _Reader, data: Mapping[str, Any], path: str) -> LineIn:
    product = reader.mapping(data.get("product"), f"{path}/product")
    return LineIn(
        product_id=reader.text(product, "id", f"{path}/product/id", (Product, "external_id"), required=True),
        product_name=reader.text(
            product, "name", f"{path}/product/name", (Product, "name"), required=True, cuttable=True
        ),
        product_url=reader.link(product, "url", f"{path}/product/url", (Product, "url")),
        product_image_url=reader.link(
            product, "image_url", f"{path}/product/image_url", (Product, "image_url")
        ),
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
    lines = [_line(reader, reader.mapping(item, f"lines/{i}"), f"lines/{i}") for i, item in enumerate(value)]
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
            seen.product_id,
            seen.product_name,
            seen.quantity + line.quantity,
            seen.price,
            seen.product_url,
            seen.product_image_url,
        )
    return tuple(merged.values())


def _refund_line(reader: _Reader, data: Mapping[str, Any], path: str) -> RefundLineIn:
    return RefundLineIn(
        product_id=reader.text(
            data, "product_id", f"{path}/product_id", (Product, "external_id"), required=True
        ),
        quantity=reader.quantity(data, "quantity", f"{path}/quantity"),
        amount=reader.money(data, "amount", f"{path}/amount") if data.get("amount") is not None else None,
    )


def _refund(reader: _Reader, data: Mapping[str, Any], path: str, default_at: datetime) -> RefundIn:
    lines = data.get("lines") or []
    if not isinstance(lines, list) or len(lines) > MAX_LINES:
        reader.fail(f"{path}/lines", f"must be a list of at most {MAX_LINES} lines")
        lines = []
    refund = RefundIn(
        external_id=reader.text(data, "id", f"{path}/id", (Refund, "external_id"), required=True),
        refunded_at=reader.moment(data, "refunded_at", f"{path}/refunded_at") or default_at,
        amount=reader.money(data, "amount", f"{path}/amount") if data.get("amount") is not None else None,
        lines=tuple(
            _refund_line(reader, reader.mapping(item, f"{path}/lines/{i}"), f"{path}/lines/{i}")
            for i, item in enumerate(lines)
        ),
    )
    if refund.amount is None and not refund.lines:
        reader.fail(f"{path}/amount", "is required when the refund names no lines")
    return refund


def _refunds(reader: _Reader, value: Any, placed_at: datetime) -> tuple[RefundIn, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_LINES:
        reader.fail("refunds", f"must be a list of at most {MAX_LINES} refunds")
        return ()
    refunds = [
        _refund(reader, reader.mapping(item, f"refunds/{i}"), f"refunds/{i}", placed_at)
        for i, item in enumerate(value)
    ]
    ids = [refund.external_id for refund in refunds]
    if len(set(ids)) != len(ids):
        reader.fail("refunds", "each refund needs its own id")
    return tuple(refunds)


def parse_refund(data: Any, default_at: datetime) -> RefundIn:
    """One refund sent on its own (the API's and Shopify's ``refunds/create``), dated
    ``default_at`` when it carries no ``refunded_at``."""
    reader = _Reader()
    refund = _refund(reader, reader.mapping(data, "/"), "", default_at)
    if reader.errors:
        raise InvalidOrder([FieldError(e.path.lstrip("/"), e.reason) for e in reader.errors])
    return refund


def _currency(reader: _Reader, data: Mapping[str, Any]) -> str:
    currency = reader.text(data, "currency", "currency", (Order, "currency")).upper() or "USD"
    if not CURRENCY_PATTERN.match(currency):
        reader.fail("currency", "must be a three-letter ISO 4217 code, e.g. USD")
    return currency


MAX_CODES = 20


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _discount_codes(reader: _Reader, data: Mapping[str, Any]) -> tuple[str, ...]:
    """Every code the order used (the referral code among them), each cut to 64 characters."""
    raw = data.get("discount_codes")
    if raw is not None and not isinstance(raw, list):
        reader.fail("discount_codes", "must be a list of codes")
        return ()
    given = [c for c in raw or [] if isinstance(c, str) and c.strip()]
    codes = [c.strip()[:64] for c in [_plain(data.get("referral_code")), *given] if c.strip()]
    return tuple(dict.fromkeys(codes))[:MAX_CODES]


def parse_order(data: Any, source: str, *, cut: bool = False) -> OrderIn:
    """The order in ``data``, or ``InvalidOrder`` naming each bad field and why.

    With ``cut`` (webhooks), names too long for their columns are cut and the order's
    ``notes`` say which.
    """
    reader = _Reader(cut=cut)
    data = reader.mapping(data, "/")
    placed_at = reader.moment(data, "placed_at", "placed_at", required=True) or datetime.now(UTC)
    order = OrderIn(
        source=source,
        external_id=reader.text(data, "id", "id", (Order, "external_id"), required=True),
        customer=_customer(reader, reader.mapping(data.get("customer"), "customer")),
        currency=_currency(reader, data),
        placed_at=placed_at,
        fulfilled_at=reader.moment(data, "fulfilled_at", "fulfilled_at"),
        delivered_at=reader.moment(data, "delivered_at", "delivered_at"),
        cancelled_at=reader.moment(data, "cancelled_at", "cancelled_at"),
        referral_code=reader.text(
            data, "referral_code", "referral_code", (Order, "referral_code"), cuttable=True
        )
        or None,
        discount_codes=_discount_codes(reader, data),
        shipping_key=contact_key(_plain(data.get("shipping_address"))),
        phone_key=contact_key(_plain(data.get("phone")), phone=True),
        total=reader.money(data, "total", "total") if data.get("total") is not None else None,
        lines=_lines(reader, data.get("lines")),
        refunds=_refunds(reader, data.get("refunds"), placed_at),
        notes=tuple(reader.notes),
    )
    order = _refunds_of_lines(reader, order)
    if reader.errors:
        raise InvalidOrder(reader.errors)
    return order


def _refunds_of_lines(reader: _Reader, order: OrderIn) -> OrderIn:
    """A refund's line must be a line of its order; a webhook's other ones are left out with a note."""
    products = {line.product_id for line in order.lines}
    refunds = []
    for i, refund in enumerate(order.refunds):
        kept = []
        for j, line in enumerate(refund.lines):
            if line.product_id in products:
                kept.append(line)
            elif reader.cut:
                reader.notes.append(
                    FieldError(f"refunds/{i}/lines/{j}", "names no line of the order; left out")
                )
            else:
                reader.fail(f"refunds/{i}/lines/{j}/product_id", "is not a product of the order's lines")
        refunds.append(replace(refund, lines=tuple(kept)))
    return replace(order, refunds=tuple(refunds), notes=tuple(reader.notes))
