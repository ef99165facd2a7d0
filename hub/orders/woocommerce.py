"""WooCommerce order webhooks: signature check, the creation ping, and the order mapping."""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from hub.catalog.models import OrderSource
from hub.catalog.schema import CENT, OrderIn, parse_order
from hub.orders.shopify import as_object, as_objects, signature_matches

# What the hub does with each topic is in docs/api.md ("Store webhooks"); others answer "ignored".
ORDER_TOPICS = frozenset({"order.created", "order.updated"})
# Never paid, or called off: no purchase. "refunded" is money given back, kept as refunds.
CANCELLED_STATUSES = frozenset({"cancelled", "failed"})
REFUNDED = "refunded"

__all__ = ["ORDER_TOPICS", "is_ping", "signature_matches", "to_order"]


def is_ping(body: bytes, content_type: str) -> bool:
    """WooCommerce posts ``webhook_id=<id>`` as a form when a webhook is created."""
    return "json" not in content_type and body.startswith(b"webhook_id=")


def _text(value: Any) -> str | None:
    return None if value in (None, "", 0, "0") else str(value)


def _customer(payload: Mapping[str, Any]) -> dict[str, Any]:
    billing = as_object(payload.get("billing"))
    name = f"{billing.get('first_name') or ''} {billing.get('last_name') or ''}".strip()
    found: dict[str, Any] = {
        "email": billing.get("email"),
        "name": name,
        "id": _text(payload.get("customer_id")),
    }
    country = as_object(payload.get("shipping")).get("country") or billing.get("country")
    if isinstance(country, str) and country:
        found["country"] = country
    return found


def _line(item: Mapping[str, Any], tax_included: bool) -> dict[str, Any]:
    image = as_object(item.get("image"))
    product: dict[str, Any] = {
        "id": _text(item.get("product_id")) or _text(item.get("sku")),
        "name": html.unescape(str(item.get("name") or "")),
    }
    if image.get("src"):
        product["image_url"] = image["src"]
    return {"product": product, "quantity": item.get("quantity"), "price": _price(item, tax_included)}


def _cents(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def _price(item: Mapping[str, Any], tax_included: bool) -> Any:
    """What the customer paid for one: with prices that include tax, the line's total and tax
    over its quantity (``price`` is then net); else the unit price, which may carry
    tax-rounding digits."""
    quantity, total, tax = item.get("quantity"), _cents(item.get("total")), _cents(item.get("total_tax"))
    if tax_included and total is not None and tax is not None and isinstance(quantity, int) and quantity > 0:
        return ((total + tax) / quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    price = _cents(item.get("price"))
    return item.get("price") if price is None else price


def _fulfilled_at(payload: Mapping[str, Any]) -> str | None:
    if payload.get("status") != "completed":
        return None
    return payload.get("date_completed_gmt") or payload.get("date_modified_gmt")


def _cancelled_at(payload: Mapping[str, Any]) -> str | None:
    if str(payload.get("status")) not in CANCELLED_STATUSES:
        return None
    return payload.get("date_modified_gmt") or payload.get("date_created_gmt")


def _refunds(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The order's ``refunds`` (each ``{id, reason, total: "-5.00"}``, no date, no lines), dated
    at the order's last change; ``refunded`` with none listed is a refund of the whole."""
    when = payload.get("date_modified_gmt") or payload.get("date_created_gmt")
    refunds = []
    for refund in as_objects(payload.get("refunds")):
        amount = _cents(refund.get("total"))
        if amount is not None and _text(refund.get("id")):
            refunds.append({"id": _text(refund.get("id")), "refunded_at": when, "amount": str(abs(amount))})
    total = _cents(payload.get("total"))
    if payload.get("status") == REFUNDED and not refunds and total is not None:
        refunds.append({"id": REFUNDED, "refunded_at": when, "amount": str(total)})
    return refunds


def _codes(payload: Mapping[str, Any]) -> list[str]:
    return [str(c["code"]) for c in as_objects(payload.get("coupon_lines")) if c.get("code")]


def _referral_code(payload: Mapping[str, Any]) -> str | None:
    codes = _codes(payload)
    return codes[0] if codes else None


def _shipping(payload: Mapping[str, Any]) -> str:
    address = as_object(payload.get("shipping"))
    parts = ("address_1", "address_2", "postcode", "city", "country")
    return " ".join(str(address[part]) for part in parts if address.get(part))


def _phone(payload: Mapping[str, Any]) -> str:
    phone = as_object(payload.get("billing")).get("phone") or as_object(payload.get("shipping")).get("phone")
    return str(phone) if phone else ""


def to_order(payload: Any) -> OrderIn:
    """WooCommerce's order JSON (REST API v3 shape) as an ``OrderIn``."""
    if not isinstance(payload, Mapping):
        return parse_order(payload, OrderSource.WOOCOMMERCE.value, cut=True)
    tax_included = payload.get("prices_include_tax") is True
    return parse_order(
        {
            "id": _text(payload.get("id")),
            "customer": _customer(payload),
            "currency": payload.get("currency"),
            "placed_at": payload.get("date_created_gmt"),
            "fulfilled_at": _fulfilled_at(payload),
            "cancelled_at": _cancelled_at(payload),
            "referral_code": _referral_code(payload),
            "discount_codes": _codes(payload),
            "shipping_address": _shipping(payload),
            "phone": _phone(payload),
            "total": payload.get("total"),
            "lines": [_line(item, tax_included) for item in as_objects(payload.get("line_items"))],
            "refunds": _refunds(payload),
        },
        OrderSource.WOOCOMMERCE.value,
        cut=True,
    )
