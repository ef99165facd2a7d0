"""Refunds: stored by the store's id and summed onto their order and its lines.

A refund names an amount, lines (a product and a quantity, with or without an amount), or
both. The order's ``refunded_total`` is the refunds' sum, at most its total; once that is the
whole total the order is refunded in full (``refunded_at``) and is no purchase any more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from hub.catalog.models import Order, OrderLine, Product, Refund
from hub.catalog.schema import CENT, RefundIn

ZERO = Decimal("0")


@dataclass(frozen=True)
class RefundState:
    """What a refund or a cancellation changes: compared before and after an ingest."""

    cancelled: bool
    refunded_at: datetime | None
    refunded_total: Decimal

    @classmethod
    def of(cls, order: Order) -> RefundState:
        return cls(order.cancelled_at is not None, order.refunded_at, Decimal(order.refunded_total))


async def record_refunds(
    orders: Mapping[int, Order], incoming: Mapping[int, Sequence[RefundIn]], recount: set[int]
) -> None:
    """Store ``incoming`` refunds (by order id) and sum every refund of those orders and of
    the ``recount`` ones (whose lines were rewritten) onto the order and its lines."""
    wanted = {order_id for order_id, refunds in incoming.items() if refunds} | recount
    if not wanted:
        return
    stored = await _stored_refunds(sorted(wanted))
    lines = await _lines_of(sorted(wanted))
    products = await _product_ids(
        [ln.product_id for refunds in incoming.values() for r in refunds for ln in r.lines]
    )
    for order_id in sorted(wanted):
        kept = stored.setdefault(order_id, {})
        for refund in incoming.get(order_id, ()):
            kept[refund.external_id] = await _save_refund(
                order_id, kept.get(refund.external_id), refund, lines.get(order_id, []), products
            )
        if kept:
            await _sum_onto(orders[order_id], list(kept.values()), lines.get(order_id, []))


async def _stored_refunds(order_ids: Sequence[int]) -> dict[int, dict[str, Refund]]:
    found: dict[int, dict[str, Refund]] = {}
    for refund in await Refund.filter(order_id__in=list(order_ids)):
        found.setdefault(refund.order_id, {})[refund.external_id] = refund
    return found


async def _lines_of(order_ids: Sequence[int]) -> dict[int, list[OrderLine]]:
    found: dict[int, list[OrderLine]] = {}
    for line in await OrderLine.filter(order_id__in=list(order_ids)).order_by("id"):
        found.setdefault(line.order_id, []).append(line)
    return found


async def _product_ids(external_ids: Sequence[str]) -> dict[str, int]:
    if not external_ids:
        return {}
    rows = await Product.filter(external_id__in=sorted(set(external_ids))).values_list("external_id", "id")
    return dict(rows)


def _refund_lines(
    refund: RefundIn, lines: Sequence[OrderLine], products: Mapping[str, int]
) -> list[dict[str, Any]]:
    """The refund's lines that name a line of the order, one per product, with their amounts."""
    by_product = {line.product_id: line for line in lines}
    merged: dict[int, dict[str, Any]] = {}
    for part in refund.lines:
        line = by_product.get(products.get(part.product_id, -1))
        if line is None:
            continue
        amount = part.amount if part.amount is not None else Decimal(line.unit_price) * part.quantity
        seen = merged.setdefault(
            line.product_id, {"product_id": line.product_id, "quantity": 0, "amount": ZERO}
        )
        seen["quantity"] += part.quantity
        seen["amount"] += amount.quantize(CENT)
    return [{**item, "amount": str(item["amount"])} for item in merged.values()]


async def _save_refund(
    order_id: int,
    stored: Refund | None,
    refund: RefundIn,
    lines: Sequence[OrderLine],
    products: Mapping[str, int],
) -> Refund:
    parts = _refund_lines(refund, lines, products)
    amount = refund.amount if refund.amount is not None else sum((Decimal(p["amount"]) for p in parts), ZERO)
    if stored is None:
        return await Refund.create(
            order_id=order_id,
            external_id=refund.external_id,
            refunded_at=refund.refunded_at,
            amount=amount,
            lines=parts,
        )
    if (Decimal(stored.amount), stored.lines, stored.refunded_at) != (amount, parts, refund.refunded_at):
        stored.amount, stored.lines, stored.refunded_at = amount, parts, refund.refunded_at
        await stored.save(update_fields=["amount", "lines", "refunded_at"])
    return stored


async def _sum_onto(order: Order, refunds: Sequence[Refund], lines: Sequence[OrderLine]) -> None:
    total = Decimal(order.total)
    refunded = min(sum((Decimal(r.amount) for r in refunds), ZERO), total)
    quantities: dict[int, int] = {}
    amounts: dict[int, Decimal] = {}
    for refund in refunds:
        for part in refund.lines:
            product_id = part["product_id"]
            quantities[product_id] = quantities.get(product_id, 0) + int(part["quantity"])
            amounts[product_id] = amounts.get(product_id, ZERO) + Decimal(part["amount"])
    for line in lines:
        quantity = min(quantities.get(line.product_id, 0), line.quantity)
        amount = min(amounts.get(line.product_id, ZERO), Decimal(line.unit_price) * line.quantity)
        if (line.refunded_quantity, Decimal(line.refunded_amount)) != (quantity, amount):
            line.refunded_quantity, line.refunded_amount = quantity, amount
            await line.save(update_fields=["refunded_quantity", "refunded_amount"])
    whole = (
        refunded >= total
        if total > 0
        else bool(lines) and all(quantities.get(line.product_id, 0) >= line.quantity for line in lines)
    )
    refunded_at = (order.refunded_at or max(r.refunded_at for r in refunds)) if whole else None
    if (Decimal(order.refunded_total), order.refunded_at) != (refunded, refunded_at):
        order.refunded_total, order.refunded_at = refunded, refunded_at
        await order.save(update_fields=["refunded_total", "refunded_at", "updated_at"])
