"""The one ingestion service behind the API, the webhooks and the CSV import.

Orders are upserted set-wise: a batch costs a handful of queries whatever its
size (bulk lookups by key, ``bulk_create``, one transaction), and sending the
same order again updates it in place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Order, OrderLine, Product, Refund, WebhookReceipt, tag_text
from hub.catalog.schema import CENT, CustomerIn, InvalidOrder, LineIn, OrderIn, RefundIn, parse_order
from hub.config import Settings
from hub.db import retry_on_conflict
from hub.invites.scheduling import schedule_invitations
from hub.orders.refunds import RefundState, record_refunds

T = TypeVar("T")
CHUNK = 900  # stays below SQLite's limit of bound variables per query
MAX_BATCH = 1000
OrderKey = tuple[str, str]
LineKey = tuple[int, int, Decimal]


@dataclass(frozen=True)
class Outcome:
    """What happened to one incoming order."""

    order_id: int
    created: bool
    invitation_send_at: datetime | None

    @property
    def status(self) -> str:
        return "created" if self.created else "updated"

    def as_dict(self) -> dict[str, Any]:
        send_at = self.invitation_send_at.isoformat() if self.invitation_send_at else None
        return {"id": self.order_id, "status": self.status, "invitation_send_at": send_at}


INGEST_TABLES = ("customer", "product", "orders", "order_line", "order_refund")


async def refresh_statistics() -> None:
    """Have PostgreSQL look at the ingest tables again (after a bulk load; SQLite needs none)."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        await connection.execute_script(f"ANALYZE {', '.join(INGEST_TABLES)}")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def ingest_order(settings: Settings, order: OrderIn) -> Outcome:
    return (await ingest_orders(settings, [order]))[0]


async def ingest_orders(settings: Settings, orders: Sequence[OrderIn]) -> list[Outcome]:
    """Upsert ``orders`` in one transaction; one outcome per order, in the same order.

    A concurrent writer may insert the same customer, product or order first; the
    unique key then fails (or PostgreSQL breaks a deadlock) and the batch is run again.
    """
    if not orders:
        return []
    return await retry_on_conflict(lambda: _ingest_in_transaction(settings, orders))


async def _ingest_in_transaction(settings: Settings, orders: Sequence[OrderIn]) -> list[Outcome]:
    async with in_transaction():
        customers = await upsert_customers([order.customer for order in orders])
        products = await upsert_products([line for order in orders for line in order.lines])
        latest = {order.key: order for order in orders}
        existing = await _find_orders(list(latest))
        before = {key: RefundState.of(order) for key, order in existing.items()}
        saved = await _save_orders(list(latest.values()), existing, customers)
        rewritten = await _replace_lines(list(latest.values()), saved, products, set(existing))
        by_id = {order.id: order for order in saved.values()}
        refunds = {saved[order.key].id: order.refunds for order in latest.values()}
        await record_refunds(by_id, refunds, rewritten & await _with_refunds(rewritten))
        await _advocacy_follow_ups(settings, [saved[key] for key in latest])
        invitations = await schedule_invitations(settings, [saved[key] for key in latest])
    moved = {saved[key].customer_id for key, state in before.items() if RefundState.of(saved[key]) != state}
    if moved:
        await _restage(settings, moved)
    return _outcomes(orders, saved, set(existing), invitations)


async def _with_refunds(order_ids: set[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(sorted(order_ids)):
        refunds = await Refund.filter(order_id__in=list(part)).only("id", "order_id")
        found.update(refund.order_id for refund in refunds)
    return found


async def _restage(settings: Settings, customer_ids: set[int]) -> None:
    """A refund or cancellation of a known order moves its customer's stage now, not tomorrow."""
    from hub.advocacy.snapshots import restage_customers

    await restage_customers(settings, sorted(customer_ids), datetime.now(UTC))


async def _advocacy_follow_ups(settings: Settings, orders: Sequence[Order]) -> None:
    """Credit referrals, and take back what a refund or cancellation undoes; safe to repeat."""
    from hub.advocacy.points import earn_for_order
    from hub.advocacy.recognition import settle_points
    from hub.advocacy.referrals import attribute_referral, withdraw_referral

    for order in orders:
        await earn_for_order(settings, order)
        if order.referral_code:
            await attribute_referral(settings, order)
        if not order.is_purchase or order.refunded_total > 0:
            await withdraw_referral(order)
            await settle_points(order)


def _outcomes(
    orders: Sequence[OrderIn],
    saved: dict[OrderKey, Order],
    existed: set[OrderKey],
    invitations: dict[int, datetime | None],
) -> list[Outcome]:
    outcomes, seen = [], set(existed)
    for order in orders:
        stored = saved[order.key]
        outcomes.append(Outcome(stored.id, order.key not in seen, invitations.get(stored.id)))
        seen.add(order.key)
    return outcomes


async def upsert_customers(incoming: Iterable[CustomerIn]) -> dict[str, Customer]:
    """Customers by normalised email, created or brought up to date.

    Rows are written in key order, so that concurrent batches lock them in the same order.
    """
    wanted: dict[str, CustomerIn] = {}
    for customer in sorted(incoming, key=lambda c: c.email):
        wanted[customer.email] = _merge_customer(wanted.get(customer.email), customer)
    found = await _customers_by_email(list(wanted))
    missing = [_new_customer(c) for email, c in wanted.items() if email not in found]
    if missing:
        await Customer.bulk_create(missing)
        found.update(await _customers_by_email([c.email for c in missing]))
    for email, customer in wanted.items():
        await _refresh_customer(found[email], customer)
    return found


def _merge_customer(seen: CustomerIn | None, new: CustomerIn) -> CustomerIn:
    if seen is None:
        return new
    return CustomerIn(
        new.email,
        new.name or seen.name,
        new.external_id or seen.external_id,
        new.country or seen.country,
        new.tags if new.tags is not None else seen.tags,
    )


def _new_customer(customer: CustomerIn) -> Customer:
    return Customer(
        email=customer.email,
        name=customer.name,
        external_id=customer.external_id,
        country=customer.country,
        tags=tag_text(customer.tags or ()),
    )


async def _customers_by_email(emails: Sequence[str]) -> dict[str, Customer]:
    found: dict[str, Customer] = {}
    for part in chunks(emails):
        found.update({c.email: c for c in await Customer.filter(email__in=list(part))})
    return found


async def _refresh_customer(stored: Customer, incoming: CustomerIn) -> None:
    changed: list[str] = []
    if incoming.name and incoming.name != stored.name and stored.erased_at is None:
        stored.name, changed = incoming.name, [*changed, "name"]
    if incoming.external_id and incoming.external_id != stored.external_id:
        stored.external_id, changed = incoming.external_id, [*changed, "external_id"]
    if incoming.country and incoming.country != stored.country and stored.erased_at is None:
        stored.country, changed = incoming.country, [*changed, "country"]
    tags = tag_text(incoming.tags) if incoming.tags is not None else stored.tags
    if tags != stored.tags and stored.erased_at is None:
        stored.tags, changed = tags, [*changed, "tags"]
    if changed:
        await stored.save(update_fields=[*changed, "updated_at"])


async def upsert_products(lines: Iterable[LineIn]) -> dict[str, Product]:
    """Products by external id, created or brought up to date, in key order."""
    wanted = {line.product_id: line for line in sorted(lines, key=lambda ln: ln.product_id)}
    found = await _products_by_external_id(list(wanted))
    missing = [_new_product(line) for key, line in wanted.items() if key not in found]
    if missing:
        await Product.bulk_create(missing)
        found.update(await _products_by_external_id([p.external_id for p in missing]))
    for key, line in wanted.items():
        await _refresh_product(found[key], line)
    return found


def _new_product(line: LineIn) -> Product:
    return Product(
        external_id=line.product_id,
        name=line.product_name,
        url=line.product_url,
        image_url=line.product_image_url,
    )


async def _products_by_external_id(keys: Sequence[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for part in chunks(keys):
        found.update({p.external_id: p for p in await Product.filter(external_id__in=list(part))})
    return found


async def _refresh_product(stored: Product, line: LineIn) -> None:
    changes = {"name": line.product_name, "url": line.product_url, "image_url": line.product_image_url}
    changed = [name for name, value in changes.items() if value and getattr(stored, name) != value]
    for name in changed:
        setattr(stored, name, changes[name])
    if changed:
        await stored.save(update_fields=[*changed, "updated_at"])


async def _find_orders(keys: Sequence[OrderKey]) -> dict[OrderKey, Order]:
    found: dict[OrderKey, Order] = {}
    for source in {source for source, _ in keys}:
        ids = [external_id for s, external_id in keys if s == source]
        for part in chunks(ids):
            rows = await Order.filter(source=source, external_id__in=list(part))
            found.update({(o.source, o.external_id): o for o in rows})
    return found


def _order_fields(order: OrderIn, customer: Customer, stored: Order | None) -> dict[str, Any]:
    """Known dates are never forgotten: a later message without them keeps them."""
    return {
        "customer_id": customer.id,
        "currency": order.currency,
        "total": order.total if order.total is not None else order.line_total(),
        "placed_at": order.placed_at,
        "fulfilled_at": order.fulfilled_at or (stored.fulfilled_at if stored else None),
        "delivered_at": order.delivered_at or (stored.delivered_at if stored else None),
        "cancelled_at": order.cancelled_at or (stored.cancelled_at if stored else None),
        "referral_code": order.referral_code or (stored.referral_code if stored else None),
        "discount_codes": list(order.discount_codes) or (stored.discount_codes if stored else []),
        "shipping_key": order.shipping_key or (stored.shipping_key if stored else ""),
        "phone_key": order.phone_key or (stored.phone_key if stored else ""),
    }


async def _save_orders(
    orders: Sequence[OrderIn], existing: dict[OrderKey, Order], customers: dict[str, Customer]
) -> dict[OrderKey, Order]:
    saved, missing = dict(existing), []
    for order in orders:
        stored = existing.get(order.key)
        values = _order_fields(order, customers[order.customer.email], stored)
        if stored is None:
            missing.append(Order(source=order.source, external_id=order.external_id, **values))
        else:
            await _update_order(stored, values)
    if missing:
        await Order.bulk_create(missing)
        saved.update(await _find_orders([(o.source, o.external_id) for o in missing]))
    return saved


async def _update_order(stored: Order, values: dict[str, Any]) -> None:
    changed = [name for name, value in values.items() if getattr(stored, name) != value]
    for name in changed:
        setattr(stored, name, values[name])
    if changed:
        await stored.save(update_fields=[*changed, "updated_at"])


async def _replace_lines(
    orders: Sequence[OrderIn],
    saved: dict[OrderKey, Order],
    products: dict[str, Product],
    existed: set[OrderKey],
) -> set[int]:
    """Write each order's lines; an order whose lines did not change is left alone.

    The ids of the orders whose lines were written."""
    have = await _stored_lines([saved[key].id for key in existed])
    stale: list[int] = []
    fresh: list[OrderLine] = []
    for order in orders:
        order_id = saved[order.key].id
        wanted = {(products[ln.product_id].id, ln.quantity, ln.price) for ln in order.lines}
        if have.get(order_id) == wanted:
            continue
        stale.append(order_id)
        fresh.extend(
            OrderLine(order_id=order_id, product_id=product_id, quantity=quantity, unit_price=price)
            for product_id, quantity, price in wanted
        )
    for part in chunks(stale):
        await OrderLine.filter(order_id__in=list(part)).delete()
    if fresh:
        await OrderLine.bulk_create(fresh)
    return set(stale)


async def _stored_lines(order_ids: Sequence[int]) -> dict[int, set[LineKey]]:
    lines: dict[int, set[LineKey]] = {}
    for part in chunks(order_ids):
        rows = await OrderLine.filter(order_id__in=list(part)).values_list(
            "order_id", "product_id", "quantity", "unit_price"
        )
        for order_id, product_id, quantity, price in rows:
            key = (product_id, quantity, Decimal(price).quantize(CENT))
            lines.setdefault(order_id, set()).add(key)
    return lines


async def ingest_webhook(
    settings: Settings, source: str, delivery_id: str | None, order: OrderIn
) -> Outcome | None:
    """Ingest a webhook's order once; None when this delivery was already handled."""
    return await once_per_delivery(source, delivery_id, lambda: ingest_order(settings, order))


async def once_per_delivery(
    source: str, delivery_id: str | None, handle: Callable[[], Awaitable[T]]
) -> T | None:
    """Run ``handle`` for a webhook delivery not seen before; None for a repeat."""
    delivery_id = delivery_id[:128] if delivery_id else None
    if delivery_id and await WebhookReceipt.exists(source=source, delivery_id=delivery_id):
        return None
    outcome = await handle()
    if delivery_id:
        await _record_receipt(source, delivery_id)
    return outcome


@dataclass(frozen=True)
class RefundOutcome:
    """What a refund sent on its own did to its order."""

    order: Order

    def as_dict(self) -> dict[str, Any]:
        return {
            "order": self.order.external_id,
            "status": "refunded" if self.order.refunded_at else "partially_refunded",
            "refunded_total": str(self.order.refunded_total),
        }


async def ingest_refund(
    settings: Settings, source: str, order_id: str, refund: RefundIn
) -> RefundOutcome | None:
    """Store a refund of an order the hub has (merged by the refund's id); None when it has not.

    It has what an order's own ``refunds`` have: the sums, invitations, points, referral, stage.
    """

    async def record() -> tuple[Order, RefundState] | None:
        async with in_transaction():
            order = await Order.get_or_none(source=source, external_id=order_id)
            if order is None:
                return None
            before = RefundState.of(order)
            await record_refunds({order.id: order}, {order.id: [refund]}, set())
            await _advocacy_follow_ups(settings, [order])
            await schedule_invitations(settings, [order])
        return order, before

    recorded = await retry_on_conflict(record)
    if recorded is None:
        return None
    order, before = recorded
    if RefundState.of(order) != before:
        await _restage(settings, {order.customer_id})
    return RefundOutcome(order)


async def _record_receipt(source: str, delivery_id: str) -> None:
    # A concurrent delivery of the same webhook may record it first; the upsert is the same.
    with suppress(IntegrityError):
        await WebhookReceipt.create(source=source, delivery_id=delivery_id)


async def ingest_batch(settings: Settings, payloads: Sequence[Any], source: str) -> list[dict[str, Any]]:
    """Validate each payload, ingest the good ones together; one result per payload."""
    results: dict[int, dict[str, Any]] = {}
    good: list[tuple[int, OrderIn]] = []
    for index, payload in enumerate(payloads):
        try:
            good.append((index, parse_order(payload, source)))
        except InvalidOrder as error:
            errors = [e.as_dict() for e in error.errors]
            results[index] = {"index": index, "status": "invalid", "errors": errors}
    outcomes = await ingest_orders(settings, [order for _, order in good])
    for (index, _), outcome in zip(good, outcomes, strict=True):
        results[index] = {"index": index, **outcome.as_dict(), "errors": []}
    return [results[index] for index in range(len(payloads))]
