"""Demo orders: one to four lines each, fulfilled and delivered a few days after purchase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from hub.catalog.models import Order, OrderLine, OrderSource, Refund
from hub.demo.context import Demo
from hub.demo.customers import Shopper
from hub.demo.products import Item

LINE_COUNT_WEIGHT = {1: 55, 2: 28, 3: 12, 4: 5}
MULTIPACK_CATEGORIES = ("kitchen", "home")
CANCELLED_SHARE = 0.015
REFUNDED_SHARE = 0.02


@dataclass
class Purchase:
    """An order with its lines, the products bought and who bought them."""

    order: Order
    shopper: Shopper
    lines: list[tuple[OrderLine, Item]]


def build_orders(demo: Demo, shoppers: list[Shopper], items: list[Item]) -> list[Purchase]:
    placements = sorted(
        ((placed_at, index) for index, shopper in enumerate(shoppers) for placed_at in shopper.dates)
    )
    purchases = []
    for number, (placed_at, index) in enumerate(placements):
        order = _order(demo, shoppers[index], placed_at, number)
        lines = _lines(demo, order, items)
        order.total = sum((line.quantity * line.unit_price for line, _ in lines), Decimal("0.00"))
        if order.refunded_at is not None:
            _refund_whole(demo, order, [line for line, _ in lines])
        purchases.append(Purchase(order, shoppers[index], lines))
    return purchases


def _order(demo: Demo, shopper: Shopper, placed_at: datetime, number: int) -> Order:
    order = demo.add(
        Order,
        source=OrderSource.DEMO.value,
        external_id=f"DEMO-{100001 + number}",
        customer_id=shopper.customer.pk,
        currency="USD",
        placed_at=placed_at,
        created_at=placed_at + timedelta(seconds=demo.rng.randrange(5, 90)),
    )
    if demo.chance(CANCELLED_SHARE):
        order.cancelled_at = _until_now(demo, placed_at + demo.hours(1, 20))
    else:
        _ship(demo, order)
    return order


def _ship(demo: Demo, order: Order) -> None:
    order.fulfilled_at = _until_now(demo, order.placed_at + demo.days(1, 3))
    if order.fulfilled_at is None:
        return
    order.delivered_at = _until_now(demo, order.fulfilled_at + demo.days(2, 6))
    if order.delivered_at is not None and demo.chance(REFUNDED_SHARE):
        order.refunded_at = _until_now(demo, order.delivered_at + demo.days(3, 25))


def _refund_whole(demo: Demo, order: Order, lines: list[OrderLine]) -> None:
    """Everything back, as a store reports it: one refund naming every line."""
    parts = []
    for line in lines:
        line.refunded_quantity, line.refunded_amount = line.quantity, line.quantity * line.unit_price
        parts.append(
            {"product_id": line.product_id, "quantity": line.quantity, "amount": str(line.refunded_amount)}
        )
    order.refunded_total = order.total
    demo.add(
        Refund,
        order_id=order.pk,
        external_id=f"{order.external_id}-R1",
        refunded_at=order.refunded_at,
        amount=order.total,
        lines=parts,
    )


def _until_now(demo: Demo, moment: datetime) -> datetime | None:
    """`moment` if it has already happened, else None."""
    return moment if moment <= demo.now else None


def _lines(demo: Demo, order: Order, items: list[Item]) -> list[tuple[OrderLine, Item]]:
    count = demo.rng.choices(list(LINE_COUNT_WEIGHT), weights=list(LINE_COUNT_WEIGHT.values()))[0]
    chosen: dict[int, Item] = {}
    while len(chosen) < count:
        item = demo.rng.choices(items, weights=[item.weight for item in items])[0]
        chosen.setdefault(item.product.pk, item)
    return [(_line(demo, order, item), item) for item in chosen.values()]


def _line(demo: Demo, order: Order, item: Item) -> OrderLine:
    several = 0.3 if item.line.category in MULTIPACK_CATEGORIES else 0.08
    quantity = demo.rng.choice((2, 2, 3)) if demo.chance(several) else 1
    return demo.add(
        OrderLine, order_id=order.pk, product_id=item.product.pk, quantity=quantity, unit_price=item.price
    )
