"""How fast the support desk answers at shop scale: the case queue, the case page, the
customer search and the customer page, with 100,000 customers, 1,000,000 orders and
100,000 cases; and, with ``--imap N``, the support mailbox's throughput.

    python bench/triage.py [--customers N] [--orders N] [--cases N] [--imap N]

Builds a fresh SQLite database (and a PostgreSQL one when HUB_BENCH_DATABASE_URL is
set, e.g. postgres://postgres@127.0.0.1:5432/hub_bench — it is dropped and recreated)
migrated with hub.db.migrate. Customers and orders are bulk-loaded with raw SQL (the
loader of bench/advocacy.py: a few customers order often, most rarely); every case has
a flagged review of one of its customer's orders, 20 % are open or pending, 80 %
resolved or closed, with three timeline events each. Each page is rendered whole
(route, service and template, through httpx's ASGITransport as a logged-in agent),
every round on a different case or customer, 40 rounds. Target: p95 under 100 ms.
``--imap N`` then runs bench/inbound.py with N messages (messages per second).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import httpx
from tortoise import Tortoise
from tortoise.backends.base import executor

from bench import inbound
from bench.advocacy import fill_postgres, fill_sqlite
from hub import db as hub_db
from hub.app import create_app
from hub.catalog.models import Order, Product
from hub.config import Settings
from hub.reviews.models import Review
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.triage.models import Case, CaseEvent

PASSWORD = "bench password 123"
ROUNDS = 40
BATCH = 5000
STATUSES = ["open"] * 15 + ["pending"] * 5 + ["resolved"] * 40 + ["closed"] * 40
PRIORITIES = ["low", "normal", "normal", "high", "urgent"]
REASONS = [["low_rating"], ["negative_text"], ["low_rating", "negative_text"], ["urgent"], ["detractor"]]
STAGES = ["new", "active", "loyal", "advocate", "at_risk", "dormant"]
BODY = "The zip broke on the second day and the seams split after three wears. Not happy at all."


async def _staff() -> StaffUser:
    return await StaffUser.create(
        email="agent@example.com", name="Agent", roles="agent", password_hash=hash_password(PASSWORD)
    )


async def _shape_customers() -> None:
    """Stages and external ids, so that the filters and the id search have something to find."""
    connection = Tortoise.get_connection("default")
    await connection.execute_script("UPDATE customer SET external_id = 'gid-' || id")
    whens = " ".join(f"WHEN {n} THEN '{stage}'" for n, stage in enumerate(STAGES))
    cases = f"CASE id % {len(STAGES)} {whens} END"
    await connection.execute_script(f"UPDATE customer SET stage = {cases}")  # noqa: S608 (constants)


async def _load_cases(count: int, now: datetime, agent: StaffUser) -> None:
    await Product.bulk_create([Product(external_id=f"P{i}", name=f"Product {i}") for i in range(200)])
    products = await Product.all().values_list("id", flat=True)
    rng = random.Random(7)
    every = max(1, await Order.all().count() // count)
    for start in range(0, count, BATCH):
        orders = await _orders(start * every, every, min(BATCH, count - start))
        reviews = [_review(rng, now, products, order) for order in orders]
        await Review.bulk_create(reviews)
        made = await Review.filter(order_id__in=[o[0] for o in orders]).values_list("id", "order_id")
        review_of = {order: review for review, order in made}
        cases = [_case(rng, now, order, review_of[order[0]], agent) for order in orders]
        await Case.bulk_create(cases)
        ids = await Case.filter(review_id__in=list(review_of.values())).values_list("id", "created_at")
        await CaseEvent.bulk_create([e for case_id, at in ids for e in _events(case_id, at, agent)])


async def _orders(offset: int, every: int, count: int) -> list[tuple[int, int, datetime]]:
    """Every ``every``-th order after the first ``offset``: (id, customer id, placed at)."""
    ids = [offset + every * (n + 1) for n in range(count)]
    rows = await Order.filter(id__in=ids).order_by("id").values_list("id", "customer_id", "placed_at")
    return [(order, customer, _aware(placed)) for order, customer, placed in rows]


def _aware(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _review(
    rng: random.Random, now: datetime, products: list[int], order: tuple[int, int, datetime]
) -> Review:
    return Review(
        product_id=rng.choice(products),
        customer_id=order[1],
        order_id=order[0],
        rating=rng.choice([1, 2, 2, 3]),
        title="Fell apart",
        body=BODY,
        display_name="Dana K.",
        status="published",
        flagged=True,
        flag_reasons=["low_rating", "negative_text"],
        submitted_at=min(now, order[2] + timedelta(days=12)),
    )


def _case(
    rng: random.Random, now: datetime, order: tuple[int, int, datetime], review: int, agent: StaffUser
) -> Case:
    created = min(now, order[2] + timedelta(days=12))
    status = rng.choice(STATUSES)
    # Half the open and pending cases still wait for their first response.
    answered = status not in ("open", "pending") or rng.random() < 0.5
    due = created + timedelta(hours=72)
    return Case(
        status=status,
        priority=rng.choice(PRIORITIES),
        reasons=rng.choice(REASONS),
        evidence=[["negative_text", 4, 25]],
        review_id=review,
        order_id=order[0],
        customer_id=order[1],
        assignee_id=agent.id if rng.random() < 0.3 else None,
        first_response_due_at=created + timedelta(hours=24),
        resolution_due_at=due,
        first_response_at=created + timedelta(hours=6) if answered else None,
        resolved_at=created + timedelta(hours=30) if status in ("resolved", "closed") else None,
        resolution_code="refund" if status in ("resolved", "closed") else "",
        created_at=created,
    )


def _events(case_id: int, at: datetime, agent: StaffUser) -> list[CaseEvent]:
    return [
        CaseEvent(case_id=case_id, kind="created", body="Opened for a 1-star review", created_at=at),
        CaseEvent(
            case_id=case_id, kind="note", actor_id=agent.id, body="Asked the warehouse.", created_at=at
        ),
        CaseEvent(
            case_id=case_id, kind="reply", actor_id=agent.id, body="We are sorry; a new one is on its way."
        ),
    ]


async def _login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    token = page.text[start : page.text.index('"', start)]
    await client.post(
        "/login", data={"email": "agent@example.com", "password": PASSWORD, "csrf_token": token}
    )


async def _time(client: httpx.AsyncClient, path: Callable[[int], str]) -> tuple[float, float]:
    await client.get(path(ROUNDS))
    times = []
    for n in range(ROUNDS):
        started = time.perf_counter()
        response = await client.get(path(n))
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path(n), response.status_code)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def _pages(customers: int, cases: int) -> list[tuple[str, Callable[[int], str]]]:
    rng = random.Random(11)
    case_ids = [rng.randrange(1, cases + 1) for _ in range(ROUNDS + 1)]
    customer_ids = [rng.randrange(1, customers + 1) for _ in range(ROUNDS + 1)]
    # The heaviest buyers: the loader gives the lowest ids the most orders.
    heavy = [1 + n % 10 for n in range(ROUNDS + 1)]
    return [
        ("queue (open)", lambda n: "/admin/cases"),
        ("queue (overdue)", lambda n: "/admin/cases?overdue=1"),
        ("case page", lambda n: f"/admin/cases/{case_ids[n]}"),
        ("customers, first page", lambda n: "/admin/customers"),
        ("search by e-mail", lambda n: f"/admin/customers?q=c{customer_ids[n]}@example.net"),
        ("search by name", lambda n: f"/admin/customers?q=Customer+{customer_ids[n]}"),
        ("search by order id", lambda n: f"/admin/customers?q=O{customer_ids[n] * 7}"),
        ("search by external id", lambda n: f"/admin/customers?q=gid-{customer_ids[n]}"),
        ("filter by stage", lambda n: f"/admin/customers?stage={STAGES[n % len(STAGES)]}"),
        ("customer page", lambda n: f"/admin/customers/{customer_ids[n]}"),
        ("customer page, top buyers", lambda n: f"/admin/customers/{heavy[n]}"),
    ]


async def _measure(app: object, customers: int, cases: int) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        await _login(client)
        for name, path in _pages(customers, cases):
            p50, p95 = await _time(client, path)
            print(f"  {name:<26} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


async def run(database_url: str, sizes: argparse.Namespace, label: str) -> None:
    executor.EXECUTOR_CACHE.clear()
    settings = Settings(
        database_url=database_url,
        secret_key="bench-" + "x" * 40,
        env="test",
        data_dir=Path(tempfile.mkdtemp()),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        started = time.perf_counter()
        await _shape_customers()
        agent = await _staff()
        await _load_cases(sizes.cases, datetime.now(UTC), agent)
        if hub_db.is_postgres(database_url):
            # What autovacuum does soon after a bulk load: planner statistics, and the
            # visibility map that lets the counts read only the indexes.
            await Tortoise.get_connection("default").execute_script("VACUUM ANALYZE")
        else:
            await Tortoise.get_connection("default").execute_script("ANALYZE")
        seconds = time.perf_counter() - started
        print(f"{label}: loaded {sizes.cases:,} cases with reviews and events in {seconds:.1f} s")
        await _measure(app, sizes.customers, sizes.cases)


async def _fresh_pg(url: str) -> None:
    admin_url, _, name = url.replace("postgres://", "postgresql://", 1).rpartition("/")
    connection = await asyncpg.connect(f"{admin_url}/postgres")
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--imap", type=int, default=0, help="messages for the mailbox run (0: skip)")
    return parser.parse_args()


def _load_orders(url: str, sizes: argparse.Namespace, path: Path | None) -> None:
    asyncio.run(hub_db.migrate(url))
    started = time.perf_counter()
    if path is not None:
        fill_sqlite(path, sizes.customers, sizes.orders)
    else:
        asyncio.run(fill_postgres(url, sizes.customers, sizes.orders))
    seconds = time.perf_counter() - started
    print(f"loaded {sizes.customers:,} customers and {sizes.orders:,} orders in {seconds:.1f} s")


def main() -> None:
    sizes = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        _load_orders(f"sqlite://{path}", sizes, path)
        asyncio.run(run(f"sqlite://{path}", sizes, "SQLite"))
    pg_url = os.environ.get("HUB_BENCH_DATABASE_URL", "")
    if pg_url:
        asyncio.run(_fresh_pg(pg_url))
        _load_orders(pg_url, sizes, None)
        asyncio.run(run(pg_url, sizes, "PostgreSQL"))
    if sizes.imap:
        print(f"support mailbox, {sizes.imap:,} messages:")
        asyncio.run(inbound.main(sizes.imap))


if __name__ == "__main__":
    main()
