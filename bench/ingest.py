"""How fast orders come in through the API, one by one and in batches.

    python bench/ingest.py

Runs the app in-process (httpx ASGITransport against create_app) on a fresh, migrated
SQLite database, and on PostgreSQL too when HUB_BENCH_DATABASE_URL points to a server
(a scratch database is created next to the one named there and dropped afterwards).
Prints orders/second and order lines/second. Target: batches ≥ 1,000 lines/s on SQLite.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import httpx
from tortoise.backends.base import executor

from hub import db
from hub.app import create_app
from hub.config import Settings
from hub.staff.apikeys import create_api_key

SINGLE_ORDERS = 300
BATCHES, BATCH_SIZE = 10, 1000
LINES_PER_ORDER = 3
PRODUCTS = 500


def order(number: int) -> dict[str, Any]:
    lines = [
        {
            "product": {"id": f"SKU-{(number * 7 + i) % PRODUCTS}", "name": f"Product {i}"},
            "quantity": 1 + i,
            "price": "19.90",
        }
        for i in range(LINES_PER_ORDER)
    ]
    return {
        "id": str(number),
        "customer": {"email": f"buyer{number % 2000}@example.com", "name": "Bench Buyer"},
        "placed_at": "2025-03-01T10:00:00Z",
        "fulfilled_at": "2025-03-03T10:00:00Z",
        "lines": lines,
    }


async def _key(database_url: str) -> str:
    await db.connect(database_url)
    try:
        return (await create_api_key("bench", ["orders:write"]))[1]
    finally:
        await db.disconnect()


async def _timed(client: httpx.AsyncClient, key: str, bodies: list[tuple[str, Any]]) -> float:
    headers = {"Authorization": f"Bearer {key}"}
    started = time.perf_counter()
    for path, body in bodies:
        response = await client.post(path, json=body, headers=headers)
        if response.status_code not in (200, 201):
            raise SystemExit(f"{path} answered {response.status_code}: {response.text[:300]}")
    return time.perf_counter() - started


def _report(label: str, orders: int, seconds: float) -> None:
    print(
        f"  {label:<22} {orders / seconds:>9,.0f} orders/s {orders * LINES_PER_ORDER / seconds:>9,.0f}"
        f" lines/s   ({orders:,} orders in {seconds:.2f} s)"
    )


async def bench(database_url: str, data_dir: Path) -> None:
    executor.EXECUTOR_CACHE.clear()
    await db.migrate(database_url)
    key = await _key(database_url)
    settings = Settings(
        data_dir=data_dir, database_url=database_url, env="test", secret_key="bench-secret-" + "x" * 32
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            singles = [("/api/v1/orders", order(n)) for n in range(SINGLE_ORDERS)]
            _report("single requests", SINGLE_ORDERS, await _timed(client, key, singles))
            start = SINGLE_ORDERS
            batches = [
                (
                    "/api/v1/orders/batch",
                    {"orders": [order(start + b * BATCH_SIZE + n) for n in range(BATCH_SIZE)]},
                )
                for b in range(BATCHES)
            ]
            _report("batches of 1,000", BATCHES * BATCH_SIZE, await _timed(client, key, batches))
            _report("batches, resent", BATCHES * BATCH_SIZE, await _timed(client, key, batches))


async def _pg(sql: str, admin_url: str) -> None:
    connection = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def bench_postgres(admin_url: str, data_dir: Path) -> None:
    name = f"hub_bench_{os.getpid()}"
    await _pg(f"CREATE DATABASE {name}", admin_url)
    try:
        await bench(urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}")), data_dir)
    finally:
        await _pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin_url)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        asyncio.run(bench(f"sqlite://{folder}/bench.sqlite3", Path(folder)))
        pg_url = os.environ.get("HUB_BENCH_DATABASE_URL")
        if pg_url:
            print("PostgreSQL")
            asyncio.run(bench_postgres(pg_url, Path(folder)))


if __name__ == "__main__":
    main()
