"""How long the worker's daily co-purchase rebuild takes on 100,000 customers and 1,000,000
orders, and one customer's win-back picks.

    python bench/copurchase.py [CUSTOMERS] [ORDERS] [PRODUCTS]

Builds a fresh SQLite database migrated with hub.db.migrate, fills customers and orders as
bench/advocacy.py does, gives each order one to three lines of PRODUCTS (2,000) products
(popular ones more often), then times ``rebuild_co_purchases`` (one set-based INSERT … SELECT)
and ``picks_for`` of the customer with the most orders. Reports seconds, rows and peak memory.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortoise import connections

from bench.advocacy import NOW, _peak_mb, fill_sqlite
from hub import db as hub_db
from hub.advocacy.copurchase import picks_for, rebuild_co_purchases
from hub.config import Settings

PRODUCT_SQL = """INSERT INTO product (id, external_id, name, url, image_url, created_at, updated_at)
  VALUES (?,?,?,?,?,?,?)"""
LINE_SQL = """INSERT INTO order_line (order_id, product_id, quantity, unit_price, refunded_quantity,
  refunded_amount) VALUES (?,?,?,?,?,?)"""


def _lines(orders: int, products: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(11)
    for order_id in range(1, orders + 1):
        for product in {int(products * rng.random() ** 2) + 1 for _ in range(rng.randint(1, 3))}:
            yield (order_id, product, 1, "20.00", 0, "0")


def fill_lines(path: Path, orders: int, products: int) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    stamp = NOW.isoformat(" ")
    with connection:
        connection.executemany(
            PRODUCT_SQL, ((i, f"P{i}", f"Product {i}", "", "", stamp, stamp) for i in range(1, products + 1))
        )
        connection.executemany(LINE_SQL, _lines(orders, products))
        connection.execute("ANALYZE")
    connection.close()


async def _run(url: str) -> None:
    await hub_db.connect(url)
    try:
        started = time.perf_counter()
        rows = await rebuild_co_purchases(Settings(), NOW)
        rebuilt = time.perf_counter() - started
        connection = connections.get("default")
        _, found = await connection.execute_query(
            "SELECT customer_id FROM orders GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 1"
        )
        started = time.perf_counter()
        picks = await picks_for(found[0]["customer_id"])
        picked = time.perf_counter() - started
        print(
            f"SQLite: rebuilt {rows:,} co-purchase rows in {rebuilt:.1f} s; picks for the busiest "
            f"customer in {picked * 1000:.0f} ms ({[p.id for p in picks]}); peak RSS {_peak_mb():.0f} MB"
        )
    finally:
        await hub_db.disconnect()


def main() -> None:
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    orders = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    products = int(sys.argv[3]) if len(sys.argv) > 3 else 2_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        asyncio.run(hub_db.migrate(f"sqlite://{path}"))
        started = time.perf_counter()
        fill_sqlite(path, customers, orders)
        fill_lines(path, orders, products)
        print(
            f"SQLite: loaded {customers:,} customers, {orders:,} orders "
            f"in {time.perf_counter() - started:.1f} s"
        )
        asyncio.run(_run(f"sqlite://{path}"))


if __name__ == "__main__":
    main()
