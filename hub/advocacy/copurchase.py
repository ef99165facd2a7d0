"""What customers who bought a product went on to buy: counts the worker rebuilds daily from
the orders in set-based SQL, and the win-back's picks for one customer."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from hub.advocacy.models import CoPurchase
from hub.advocacy.sql import fetch, is_postgres
from hub.catalog.models import Product, purchase_sql
from hub.config import Settings

# One row per customer and product they bought (first and last time), then every pair of a
# customer's products where the second was bought after the first: each pair counts a customer
# once, and the work grows with products per customer, not with orders squared.
_REBUILD = f"""INSERT INTO co_purchase (product_id, next_product_id, customers, built_on)
WITH bought AS (
  SELECT o.customer_id, l.product_id, MIN(o.placed_at) AS first_at, MAX(o.placed_at) AS last_at
  FROM orders o JOIN order_line l ON l.order_id = o.id WHERE {purchase_sql("o")}
  GROUP BY o.customer_id, l.product_id
)
SELECT a.product_id, b.product_id, COUNT(*), ? FROM bought a
JOIN bought b ON b.customer_id = a.customer_id AND b.product_id <> a.product_id
  AND b.last_at > a.first_at
GROUP BY a.product_id, b.product_id"""  # noqa: S608

_OWNED = "SELECT l.product_id FROM order_line l JOIN orders o ON o.id = l.order_id WHERE o.customer_id = ?"

_PICKS = f"""SELECT c.next_product_id AS product_id, SUM(c.customers) AS score FROM co_purchase c
WHERE c.product_id IN ({_OWNED}) AND c.next_product_id NOT IN ({_OWNED})
GROUP BY c.next_product_id ORDER BY score DESC, c.next_product_id LIMIT ?"""  # noqa: S608


async def rebuild_co_purchases(settings: Settings, now: datetime) -> int:
    """Worker job: rebuild the counts once a day (a day already built is left alone)."""
    today = now.date()
    async with in_transaction() as connection:
        if is_postgres():  # a second worker waits here, then finds the day built
            await connection.execute_script("LOCK TABLE co_purchase IN EXCLUSIVE MODE")
        if await CoPurchase.filter(built_on=today).using_db(connection).exists():
            return 0
        await CoPurchase.all().using_db(connection).delete()
        await connection.execute_query(_rebuild_sql(), [today])
    return await CoPurchase.filter(built_on=today).count()


def _rebuild_sql() -> str:
    return _REBUILD.replace("?", "$1::date") if is_postgres() else _REBUILD


async def picks_for(customer_id: int, limit: int = 3) -> list[Product]:
    """The products most often bought next by customers who bought what this customer has,
    best first; never one the customer ordered already."""
    rows = await fetch(_PICKS, [customer_id, customer_id, limit])
    ids = [row["product_id"] for row in rows]
    found = {product.id: product for product in await Product.filter(id__in=ids)}
    return [found[i] for i in ids if i in found]
