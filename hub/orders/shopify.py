"""Shopify order webhooks: signature check and mapping of Shopify's order JSON."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from hub.catalog.models import OrderSource, plausible_external_id
from hub.catalog.schema import CENT, InvalidOrder, OrderIn, RefundIn, parse_order, parse_refund
from hub.web.errors import FieldError

# What the hub does with each topic is in docs/api.md ("Store webhooks"); others answer "ignored".
ORDER_TOPICS = frozenset(
    {"orders/create", "orders/updated", "orders/paid", "orders/fulfilled", "orders/cancelled"}
)
REFUND_TOPIC = "refunds/create"
# "voided": the payment was authorised and never taken; the shop kept nothing.
VOIDED = "voided"


def signature_of(secret: str, body: bytes) -> str:
    """Base64 HMAC-SHA256 of the raw body: what Shopify and WooCommerce both send."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signature_matches(secret: str, body: bytes, sent: str | None) -> bool:
    if not secret or not sent:
        return False
    return hmac.compare_digest(signature_of(secret, body), sent.strip())


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def as_object(value: Any) -> Mapping[str, Any]:
    """A store's JSON object, or an empty one where it sent another shape: its fields go missing."""
    return value if isinstance(value, Mapping) else {}


def as_objects(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a store's JSON list; anything else in it (or no list) is left out."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _customer(payload: Mapping[str, Any]) -> dict[str, Any]:
    customer = as_object(payload.get("customer"))
    address = as_object(payload.get("billing_address")) or as_object(payload.get("shipping_address"))
    first = customer.get("first_name") or address.get("first_name") or ""
    last = customer.get("last_name") or address.get("last_name") or ""
    email = payload.get("email") or payload.get("contact_email") or customer.get("email")
    found: dict[str, Any] = {
        "email": email,
        "name": f"{first} {last}".strip(),
        "id": _text(customer.get("id")),
    }
    shipped_to = as_object(payload.get("shipping_address")) or address
    country = shipped_to.get("country_code") or as_object(customer.get("default_address")).get("country_code")
    if isinstance(country, str) and country:
        found["country"] = country
    if isinstance(customer.get("tags"), str):
        found["tags"] = customer["tags"]
    return found


def _product_id(item: Mapping[str, Any]) -> str | None:
    """Reviews belong to the product, so its variants share one; custom items use the SKU."""
    if item.get("product_id"):
        return str(item["product_id"])
    if item.get("sku"):
        return str(item["sku"])
    return f"variant-{item['variant_id']}" if item.get("variant_id") else None


def _line(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "product": {"id": _product_id(item), "name": item.get("title") or item.get("name")},
        "quantity": item.get("quantity"),
        "price": item.get("price"),
    }


def _shipped(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [f for f in as_objects(payload.get("fulfillments")) if f.get("status") == "success"]


def _fulfilled_at(payload: Mapping[str, Any], topic: str) -> str | None:
    """Fulfilled once everything shipped: the last successful fulfilment's time."""
    if payload.get("fulfillment_status") != "fulfilled" and topic != "orders/fulfilled":
        return None
    latest = _latest([f.get("created_at") for f in _shipped(payload)])
    return latest or payload.get("updated_at")


def _delivered_at(payload: Mapping[str, Any]) -> str | None:
    return _latest(
        [f.get("updated_at") for f in _shipped(payload) if f.get("shipment_status") == "delivered"]
    )


def _latest(times: list[Any]) -> str | None:
    """The latest of ISO 8601 times that may carry different offsets; bad ones are skipped."""
    parsed = []
    for text in times:
        try:
            moment = datetime.fromisoformat(str(text))
        except ValueError:
            continue
        parsed.append((moment if moment.tzinfo else moment.replace(tzinfo=UTC), str(text)))
    return max(parsed)[1] if parsed else None


def _amount(value: Any) -> str | None:
    """Shopify's amounts are strings in some places and bare numbers in others."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return str(Decimal(str(value)).quantize(CENT))
    except InvalidOperation:
        return str(value)


def _refund_line(item: Mapping[str, Any]) -> dict[str, Any]:
    line = as_object(item.get("line_item"))
    line_id = _product_id(line)
    subtotal = _amount(item.get("subtotal"))
    amount = None
    if subtotal is not None:
        amount = str(Decimal(subtotal) + Decimal(_amount(item.get("total_tax")) or "0"))
    return {"product_id": line_id, "quantity": item.get("quantity"), "amount": amount}


def refund_payload(refund: Mapping[str, Any]) -> dict[str, Any]:
    """A Shopify refund (``refunds/create``, or one in an order's ``refunds``) as the hub's.

    Its amount is what its successful refund transactions gave back; without any, what its
    lines add up to."""
    given = [
        Decimal(_amount(t.get("amount")) or "0")
        for t in as_objects(refund.get("transactions"))
        if t.get("kind") == "refund" and t.get("status") == "success"
    ]
    items = [
        i for i in as_objects(refund.get("refund_line_items")) if _product_id(as_object(i.get("line_item")))
    ]
    return {
        "id": _text(refund.get("id")),
        "refunded_at": refund.get("processed_at") or refund.get("created_at"),
        "amount": str(sum(given, Decimal("0"))) if given or not items else None,
        "lines": [_refund_line(item) for item in items],
    }


def _refunds(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The order's refunds; ``refunded`` with none of them listed is a refund of the whole."""
    refunds = [refund_payload(r) for r in as_objects(payload.get("refunds"))]
    if payload.get("financial_status") == "refunded" and not refunds:
        when = payload.get("updated_at") or payload.get("cancelled_at")
        refunds = [{"id": "refunded", "refunded_at": when, "amount": _amount(payload.get("total_price"))}]
    return refunds


def _cancelled_at(payload: Mapping[str, Any]) -> Any:
    if payload.get("cancelled_at") or payload.get("financial_status") != VOIDED:
        return payload.get("cancelled_at")
    return payload.get("updated_at") or payload.get("created_at")


def _codes(payload: Mapping[str, Any]) -> list[str]:
    return [str(d["code"]) for d in as_objects(payload.get("discount_codes")) if d.get("code")]


def _referral_code(payload: Mapping[str, Any]) -> str | None:
    codes = _codes(payload)
    return codes[0] if codes else None


def _shipping(payload: Mapping[str, Any]) -> str:
    address = as_object(payload.get("shipping_address"))
    parts = ("address1", "address2", "zip", "city", "country_code")
    return " ".join(str(address[part]) for part in parts if address.get(part))


def _phone(payload: Mapping[str, Any]) -> str:
    phone = payload.get("phone") or as_object(payload.get("shipping_address")).get("phone")
    return str(phone) if phone else ""


def to_order(payload: Any, topic: str) -> OrderIn:
    """Shopify's order JSON as an ``OrderIn``; ``InvalidOrder`` names Shopify's gaps."""
    if not isinstance(payload, Mapping):
        return parse_order(payload, OrderSource.SHOPIFY.value, cut=True)
    items = [item for item in as_objects(payload.get("line_items")) if _product_id(item)]
    return parse_order(
        {
            "id": _text(payload.get("id")),
            "customer": _customer(payload),
            "currency": payload.get("currency"),
            "placed_at": payload.get("created_at"),
            "fulfilled_at": _fulfilled_at(payload, topic),
            "delivered_at": _delivered_at(payload),
            "cancelled_at": _cancelled_at(payload),
            "referral_code": _referral_code(payload),
            "discount_codes": _codes(payload),
            "shipping_address": _shipping(payload),
            "phone": _phone(payload),
            "total": payload.get("total_price"),
            "lines": [_line(item) for item in items],
            "refunds": _refunds(payload),
        },
        OrderSource.SHOPIFY.value,
        cut=True,
    )


def to_refund(payload: Any) -> tuple[str, RefundIn]:
    """A ``refunds/create`` body: the order's Shopify id and the refund."""
    refund = as_object(payload)
    order_id = _text(refund.get("order_id"))
    if order_id is None or not plausible_external_id(order_id):
        raise InvalidOrder([FieldError("order_id", "must be the id of an order")])
    return order_id, parse_refund(refund_payload(refund), datetime.now(UTC))
