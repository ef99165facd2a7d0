"""How fast the case queue renders with 100,000 cases.

    python bench/triage.py [CASES]

Builds a fresh SQLite database (and a PostgreSQL one when HUB_BENCH_DATABASE_URL is
set, e.g. postgres://postgres@127.0.0.1:5432/hub_bench — it is dropped and recreated)
migrated with hub.db.migrate, bulk-loads the cases (20 % open or pending, 80 % resolved
or closed, due times spread over two months), then times full page renders (route,
service and template, through httpx's ASGITransport as a logged-in agent) with the
default filter and with "overdue". Target: p95 under 100 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import httpx
from tortoise import Tortoise
from tortoise.backends.base import executor

from hub import db as hub_db
from hub.app import create_app
from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.triage.models import Case

PASSWORD = "bench password 123"
ROUNDS = 40
STATUSES = ["open"] * 15 + ["pending"] * 5 + ["resolved"] * 40 + ["closed"] * 40
PRIORITIES = ["low", "normal", "normal", "high", "urgent"]
REASONS = [["low_rating"], ["negative_text"], ["low_rating", "negative_text"], ["urgent"], ["detractor"]]


async def _load(count: int, now: datetime) -> StaffUser:
    agent = await StaffUser.create(
        email="agent@example.com", name="Agent", roles="agent", password_hash=hash_password(PASSWORD)
    )
    await Product.bulk_create([Product(external_id=f"P{i}", name=f"Product {i}") for i in range(200)])
    await Customer.bulk_create([Customer(email=f"c{i}@example.net") for i in range(5000)])
    products = await Product.all().values_list("id", flat=True)
    customers = await Customer.all().values_list("id", flat=True)
    rng = random.Random(7)
    for start in range(0, count, 5000):
        await Case.bulk_create(
            [_case(rng, now, products, customers, agent) for _ in range(start, min(start + 5000, count))]
        )
    return agent


def _case(
    rng: random.Random, now: datetime, products: list[int], customers: list[int], agent: StaffUser
) -> Case:
    due = now + timedelta(minutes=rng.randint(-30 * 1440, 30 * 1440))
    status = rng.choice(STATUSES)
    # Half the open and pending cases still wait for their first response.
    answered = status not in ("open", "pending") or rng.random() < 0.5
    return Case(
        status=status,
        priority=rng.choice(PRIORITIES),
        reasons=rng.choice(REASONS),
        product_id=rng.choice(products),
        customer_id=rng.choice(customers),
        assignee_id=agent.id if rng.random() < 0.3 else None,
        first_response_due_at=due - timedelta(hours=48),
        resolution_due_at=due,
        first_response_at=due - timedelta(hours=60) if answered else None,
        created_at=due - timedelta(hours=72),
    )


async def _login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    token = page.text[start : page.text.index('"', start)]
    await client.post(
        "/login", data={"email": "agent@example.com", "password": PASSWORD, "csrf_token": token}
    )


async def _time(client: httpx.AsyncClient, path: str) -> tuple[float, float]:
    await client.get(path)
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = await client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


async def run(database_url: str, count: int, label: str) -> None:
    executor.EXECUTOR_CACHE.clear()
    await hub_db.migrate(database_url)
    settings = Settings(
        database_url=database_url,
        secret_key="bench-" + "x" * 40,
        env="test",
        data_dir=Path(tempfile.mkdtemp()),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        started = time.perf_counter()
        await _load(count, datetime.now(UTC))
        if hub_db.is_postgres(database_url):
            # What autovacuum does soon after a bulk load: planner statistics, and the
            # visibility map that lets the counts read only the indexes.
            await Tortoise.get_connection("default").execute_script("VACUUM ANALYZE triage_case")
        print(f"{label}: loaded {count} cases in {time.perf_counter() - started:.1f} s")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            await _login(client)
            for name, path in (("default (open)", "/admin/cases"), ("overdue", "/admin/cases?overdue=1")):
                p50, p95 = await _time(client, path)
                print(f"  {name:<16} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


async def _fresh_pg(url: str) -> None:
    admin_url, _, name = url.replace("postgres://", "postgresql://", 1).rpartition("/")
    connection = await asyncpg.connect(f"{admin_url}/postgres")
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(f"sqlite://{folder}/bench.sqlite3", count, "SQLite"))
    pg_url = os.environ.get("HUB_BENCH_DATABASE_URL", "")
    if pg_url:
        asyncio.run(_fresh_pg(pg_url))
        asyncio.run(run(pg_url, count, "PostgreSQL"))


if __name__ == "__main__":
    main()
