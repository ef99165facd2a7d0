"""How fast stages and advocate scores are recomputed for 100,000 customers and 1,000,000 orders.

    python bench/advocacy.py [CUSTOMERS] [ORDERS]

Builds a fresh SQLite database migrated with hub.db.migrate (and a PostgreSQL one when
HUB_BENCH_DATABASE_URL is set, e.g. postgres://postgres@127.0.0.1:5432/hub_bench — it is
dropped and recreated), fills it with raw SQL executemany, then times one snapshot of
every customer (stages, snapshot rows, Customer.stage and advocate_score), reading the
facts with one grouped query per fact over ranges of customer ids.
Then times the nightly tier pass (hub.advocacy.tiers.tier_pass: every customer's VIP tier
from kept spend in the window, the changes and warnings, in three statements) with two
spend tiers, and the badge pass (hub.advocacy.auto_badges.badge_pass: every rule, one
grouped query and one insert each) on 200,000 reviews; then one batch of each's mail.
Reports seconds and peak memory (resident set size). Target on SQLite: ≤ 20 s, ≤ 500 MB.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg

from hub import db as hub_db
from hub.advocacy.auto_badges import badge_pass, thank_awards
from hub.advocacy.snapshots import take_snapshot
from hub.advocacy.stages import Thresholds
from hub.advocacy.tiers import mail_moves_up, tier_pass
from hub.config import Settings
from hub.policy.store import apply

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
CUSTOMER_SQL = """INSERT INTO customer (id, email, name, locale, mail_opt_outs, stage, advocate_score,
  profile_name, created_at, updated_at) VALUES ({})"""
ORDER_SQL = """INSERT INTO orders (source, external_id, currency, total, placed_at, cancelled_at,
  created_at, updated_at, customer_id) VALUES ({})"""


PRODUCT_SQL = """INSERT INTO product (id, external_id, name, url, image_url, created_at, updated_at)
  VALUES ({})"""
REVIEW_SQL = """INSERT INTO review (product_id, customer_id, rating, title, body, display_name, status,
  helpful_count, has_photos, submitted_at, published_at, created_at, updated_at, status_reason,
  verified_buyer, source, locale, sentiment_polarity, sentiment_subjectivity, sentiment_label,
  flagged, flag_reasons, priority, unhelpful_count)
  VALUES ({}, '', false, 'invitation', 'en', 0, 0, 'neutral', false, '[]', 'low', 0)"""
TIERS = "Silver: spend 500; Gold: spend 1500, x1.5, birthday 300, early access"


def _products() -> list[tuple[object, ...]]:
    return [(1, "P1", "Trail Tent", "", "", NOW, NOW)]


def _reviews(customers: int, count: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(11)
    for _ in range(count):
        at = NOW - timedelta(minutes=rng.randrange(400 * 24 * 60))
        customer = int(customers * rng.random() ** 1.3) + 1
        status = "published" if rng.random() < 0.9 else "pending"
        yield (
            1,
            customer,
            5,
            "Good",
            "Works well.",
            "C.",
            status,
            rng.randrange(4),
            rng.random() < 0.2,
            at,
            at,
            at,
            at,
        )


def _customers(count: int) -> Iterator[tuple[object, ...]]:
    joined = NOW - timedelta(days=800)
    for i in range(1, count + 1):
        yield (i, f"c{i}@example.net", f"Customer {i}", "en", "[]", "new", 0, "", joined, joined)


def _orders(customers: int, count: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(7)
    for i in range(count):
        placed = NOW - timedelta(minutes=rng.randrange(730 * 24 * 60))
        cancelled = placed + timedelta(hours=2) if rng.random() < 0.02 else None
        customer = int(customers * rng.random() ** 1.6) + 1  # a few buy often, most rarely
        yield (
            "api",
            f"O{i}",
            "USD",
            f"{rng.randrange(1500, 30000) / 100:.2f}",
            placed,
            cancelled,
            placed,
            placed,
            customer,
        )


def fill_sqlite(path: Path, customers: int, orders: int) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA journal_mode = MEMORY")
    with connection:
        connection.executemany(
            CUSTOMER_SQL.format(",".join("?" * 10)),
            ((*row[:8], _text(row[8]), _text(row[9])) for row in _customers(customers)),
        )
        connection.executemany(
            ORDER_SQL.format(",".join("?" * 9)),
            (tuple(_text(v) for v in row) for row in _orders(customers, orders)),
        )
        connection.executemany(
            PRODUCT_SQL.format(",".join("?" * 7)), (tuple(_text(v) for v in row) for row in _products())
        )
        connection.executemany(
            REVIEW_SQL.format(",".join("?" * 13)),
            (tuple(_text(v) for v in row) for row in _reviews(customers, customers * 2)),
        )
    connection.close()


def _text(value: object) -> object:
    return value.isoformat(" ") if isinstance(value, datetime) else value


async def fill_postgres(url: str, customers: int, orders: int) -> None:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        marks = ",".join(f"${i}" for i in range(1, 11))
        await connection.executemany(CUSTOMER_SQL.format(marks), list(_customers(customers)))
        marks = ",".join(f"${i}" for i in range(1, 10))
        await connection.executemany(ORDER_SQL.format(marks), list(_orders(customers, orders)))
        await connection.executemany(PRODUCT_SQL.format("$1,$2,$3,$4,$5,$6,$7"), _products())
        marks = ",".join(f"${i}" for i in range(1, 14))
        await connection.executemany(REVIEW_SQL.format(marks), list(_reviews(customers, customers * 2)))
        await connection.execute("SELECT setval(pg_get_serial_sequence('customer', 'id'), $1)", customers)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def _recompute(url: str) -> tuple[float, dict[str, int]]:
    await hub_db.connect(url)
    try:
        started = time.perf_counter()
        result = await take_snapshot(NOW.date(), Thresholds(), update_customers=True)
        return time.perf_counter() - started, dict(result.counts)
    finally:
        await hub_db.disconnect()


async def _loyalty(url: str, data_dir: Path) -> None:
    """The tier pass and the badge pass, each timed, then one batch of each's mail."""
    settings = apply(Settings(data_dir=data_dir, database_url=url), {"tiers": TIERS})
    await hub_db.connect(url)
    try:
        started = time.perf_counter()
        await tier_pass(settings, NOW)
        tiers = time.perf_counter() - started
        held = await hub_db_counts("SELECT tier, COUNT(*) AS n FROM customer GROUP BY tier")
        started = time.perf_counter()
        given = await badge_pass(settings, NOW)
        badges = time.perf_counter() - started
        started = time.perf_counter()
        await tier_pass(settings, NOW + timedelta(days=1))
        await badge_pass(settings, NOW)
        again = time.perf_counter() - started
        started = time.perf_counter()
        mailed = await mail_moves_up(settings, NOW) + await thank_awards(settings, NOW)
        mail = time.perf_counter() - started
    finally:
        await hub_db.disconnect()
    print(
        f"  tier pass {tiers:.1f} s ({held}); badge pass {badges:.1f} s ({given:,} badges); "
        f"the next night's tier pass and a badge pass with nothing new: {again:.1f} s together; "
        f"one mail batch of each: {mailed} mails in {mail:.1f} s; peak RSS {_peak_mb():.0f} MB"
    )


async def hub_db_counts(sql: str) -> dict[str, int]:
    from hub.advocacy.sql import fetch

    return {str(row["tier"]) or "none": int(row["n"]) for row in await fetch(sql)}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _postgres_url(base: str) -> str:
    admin = await asyncpg.connect(base.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute("DROP DATABASE IF EXISTS hub_bench_advocacy WITH (FORCE)")
        await admin.execute("CREATE DATABASE hub_bench_advocacy")
    finally:
        await admin.close()
    return base.rsplit("/", 1)[0] + "/hub_bench_advocacy"


def _report(label: str, seconds: float, counts: dict[str, int], before_mb: float) -> None:
    print(
        f"{label}: recomputed {sum(counts.values()):,} customers in {seconds:.1f} s; "
        f"peak RSS {_peak_mb():.0f} MB (after loading: {before_mb:.0f} MB); {counts}"
    )


def main() -> None:
    # Tortoise keeps each model's insert statement as first built: one database a process.
    postgres_only = "--postgres-only" in sys.argv
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    customers = int(args[0]) if args else 100_000
    orders = int(args[1]) if len(args) > 1 else 1_000_000
    before = _peak_mb()
    if postgres_only:
        _postgres(customers, orders, before)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        asyncio.run(hub_db.migrate(f"sqlite://{path}"))
        started = time.perf_counter()
        fill_sqlite(path, customers, orders)
        print(
            f"SQLite: loaded {customers:,} customers and {orders:,} orders in "
            f"{time.perf_counter() - started:.1f} s"
        )
        before = _peak_mb()
        seconds, counts = asyncio.run(_recompute(f"sqlite://{path}"))
        _report("SQLite", seconds, counts, before)
        asyncio.run(_loyalty(f"sqlite://{path}", Path(folder)))
    if os.environ.get("HUB_BENCH_DATABASE_URL", ""):
        sys.stdout.flush()
        command = [sys.executable, __file__, "--postgres-only", str(customers), str(orders)]
        subprocess.run(command, check=True)


def _postgres(customers: int, orders: int, before: float) -> None:
    base = os.environ.get("HUB_BENCH_DATABASE_URL", "")
    if base:
        url = asyncio.run(_postgres_url(base))
        asyncio.run(hub_db.migrate(url))
        asyncio.run(fill_postgres(url, customers, orders))
        seconds, counts = asyncio.run(_recompute(url))
        _report("PostgreSQL", seconds, counts, before)
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(_loyalty(url, Path(folder)))


if __name__ == "__main__":
    main()
