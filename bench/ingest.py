"""How fast orders come in: through the API, one by one and in batches; and as a Shopify export
imported from the admin by the worker.

    python bench/ingest.py
    python bench/ingest.py --shopify-export [--orders 100000]

The first runs the app in-process (httpx ASGITransport against create_app) on a fresh,
migrated SQLite database. Prints orders/second and order lines/second. Target: batches
≥ 1,000 lines/s on SQLite.

``--shopify-export`` writes a Shopify orders export of ``--orders`` orders (one to five
lines each, the further lines as continuation rows; paid, refunded, partially refunded,
voided and pending orders with their refunded amounts and cancellation dates), starts
``feedback-hub serve`` and ``feedback-hub worker`` as two real processes on a fresh
database, uploads the file over HTTP as an admin does, waits for the worker's dry run,
confirms, and follows the import to its end. Prints the upload time, the dry run's and the
import's orders/second, and the resident memory of both processes, sampled from /proc
every 0.2 s (the web process must stay flat while the worker imports).

Both run on PostgreSQL too when HUB_BENCH_DATABASE_URL points to a server (a scratch
database is created next to the one named there and dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
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


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    """A fresh database next to the one ``admin_url`` names, dropped afterwards."""
    name = f"hub_bench_{os.getpid()}"
    asyncio.run(_pg(f"CREATE DATABASE {name}", admin_url))
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin_url))


# The Shopify export imported from the admin (--shopify-export)

EXPORT_ORDERS = 100_000
SHOPIFY_HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Tax 2 Name",
    "Tax 2 Value",
    "Tax 3 Name",
    "Tax 3 Value",
    "Tax 4 Name",
    "Tax 4 Value",
    "Tax 5 Name",
    "Tax 5 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
]
EXPORT_CUSTOMERS, EXPORT_PRODUCTS = 30_000, 2_000
STATUSES = (("paid", 86), ("refunded", 4), ("partially_refunded", 5), ("voided", 2), ("pending", 3))
WORDS = ("Trail", "Summit", "Canyon", "Harbor", "Alpine", "Meadow", "Granite", "Cedar")
THINGS = ("Tent", "Stove", "Jacket", "Pack", "Lantern", "Mug", "Boots", "Sleeping Bag")
EASTERN = timezone(timedelta(hours=-5))


def _shopify_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def _money(value: float) -> str:
    return f"{value:.2f}"


def _export_rows(orders: int, rng: random.Random) -> Iterator[dict[str, str]]:
    products = [
        (f"SKU-{k:05d}", f"{WORDS[k % 8]} {THINGS[k // 8 % 8]} - {k}", round(rng.uniform(5, 400), 2))
        for k in range(EXPORT_PRODUCTS)
    ]
    start = datetime(2024, 12, 1, 9, 0, tzinfo=EASTERN)
    for n in range(orders):
        created = start + timedelta(minutes=n * 10.5 + rng.random() * 5)
        status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
        count = rng.choices([1, 2, 3, 4, 5], weights=[35, 30, 20, 10, 5])[0]
        items = rng.sample(products, count)
        quantities = [rng.choice([1, 1, 1, 2, 3]) for _ in items]
        subtotal = sum(price * qty for (_, _, price), qty in zip(items, quantities, strict=True))
        shipping = 0.0 if subtotal > 100 else 4.9
        taxes = round(subtotal * 0.06, 2)
        total = subtotal + shipping + taxes
        refunded = {"refunded": total, "partially_refunded": round(total * 0.3, 2)}.get(status, 0.0)
        cancelled = status == "voided" or (status == "refunded" and n % 2 == 0)
        fulfilled = status in ("paid", "partially_refunded") and rng.random() < 0.9
        customer = rng.randrange(EXPORT_CUSTOMERS)
        name = f"Buyer {customer}"
        first = {
            "Name": f"#{1001 + n}",
            "Email": f"buyer{customer}@example.com",
            "Financial Status": status,
            "Paid at": _shopify_date(created + timedelta(minutes=1)) if status != "pending" else "",
            "Fulfillment Status": "fulfilled" if fulfilled else "unfulfilled",
            "Fulfilled at": _shopify_date(created + timedelta(days=2)) if fulfilled else "",
            "Accepts Marketing": rng.choice(["yes", "no"]),
            "Currency": "USD",
            "Subtotal": _money(subtotal),
            "Shipping": _money(shipping),
            "Taxes": _money(taxes),
            "Total": _money(total),
            "Discount Code": f"FRIEND{n % 500}" if n % 10 == 0 else "",
            "Discount Amount": "0.00",
            "Shipping Method": "Standard",
            "Created at": _shopify_date(created),
            "Billing Name": name,
            "Billing Street": f"{n % 200} Main Street",
            "Billing City": "Louisville",
            "Billing Zip": "40202",
            "Billing Province": "KY",
            "Billing Country": "US",
            "Shipping Name": name,
            "Shipping City": "Louisville",
            "Shipping Country": "US",
            "Cancelled at": _shopify_date(created + timedelta(hours=3)) if cancelled else "",
            "Payment Method": "shopify_payments",
            "Refunded Amount": _money(refunded),
            "Outstanding Balance": "0.00",
            "Id": str(4_500_000_000_000 + n),
            "Risk Level": "Low",
            "Source": "web",
            "Tax 1 Name": "State Tax 6%",
            "Tax 1 Value": _money(taxes),
            "Billing Province Name": "Kentucky",
            "Shipping Province Name": "Kentucky",
        }
        for index, ((sku, title, price), qty) in enumerate(zip(items, quantities, strict=True)):
            line = {
                "Lineitem quantity": str(qty),
                "Lineitem name": title,
                "Lineitem price": _money(price),
                "Lineitem sku": sku if n % 20 else "",  # one order in 20 has no SKU: its line's name
                "Lineitem requires shipping": "true",
                "Lineitem taxable": "true",
                "Lineitem fulfillment status": "fulfilled" if fulfilled else "pending",
                "Lineitem discount": "0.00",
            }
            yield {**first, **line} if index == 0 else {"Name": first["Name"], **line}


def write_shopify_export(path: Path, orders: int, seed: int = 15) -> int:
    """Shopify's orders export of ``orders`` orders, with its byte-order mark; the rows written."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHOPIFY_HEADER, restval="")
        writer.writeheader()
        for row in _export_rows(orders, random.Random(seed)):
            writer.writerow(row)
            rows += 1
    return rows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _memory(pid: int) -> tuple[float, float]:
    """(resident, peak resident) megabytes of ``pid``, from /proc."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


@dataclass
class MemorySampler:
    """Samples the resident memory of some processes every 0.2 s, in a thread."""

    pids: dict[str, int]
    samples: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    phase: str = "start"
    phases: dict[str, dict[str, float]] = field(default_factory=dict)  # phase -> process -> max MB
    stopped: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.wait(0.2):
            for name, pid in self.pids.items():
                rss, _ = _memory(pid)
                self.samples.setdefault(name, []).append((time.monotonic() - started, rss))
                seen = self.phases.setdefault(self.phase, {})
                seen[name] = max(seen.get(name, 0.0), rss)

    def peak(self, name: str) -> float:
        return _memory(self.pids[name])[1]


@contextmanager
def sampling(pids: dict[str, int]) -> Iterator[MemorySampler]:
    sampler = MemorySampler(pids)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    try:
        yield sampler
    finally:
        sampler.stopped.set()
        thread.join()


def _hub(args: list[str], env: dict[str, str], log: Path, **options: Any) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "hub", *args], env=env, stdout=handle, stderr=handle, **options
    )


def _wait_for_own_server(server: subprocess.Popen[bytes], base_url: str, brand: str) -> None:
    """Until ``server`` answers: /healthz, then a page that names this run's brand (not another server's)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"feedback-hub serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                page = httpx.get(f"{base_url}/login", timeout=5)
                if brand not in page.text:
                    raise SystemExit(f"{base_url} is answered by another server than the one started")
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("feedback-hub serve did not answer in time")


def _csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


@dataclass
class Watch:
    """The times at which the import's status was first seen in each state."""

    seen: dict[str, float] = field(default_factory=dict)
    last: dict[str, Any] = field(default_factory=dict)


def _follow(client: httpx.Client, job_url: str, until: str, watch: Watch, sampler: MemorySampler) -> None:
    deadline = time.monotonic() + 3 * 3600
    while time.monotonic() < deadline:
        status = client.get(f"{job_url}/status").json()
        watch.last = status
        watch.seen.setdefault(status["state"], time.monotonic())
        sampler.phase = status["state"]
        if status["state"] == "failed":
            raise SystemExit(f"the import failed: {client.get(job_url).text[-3000:]}")
        if status["state"] == until:
            return
        time.sleep(0.2)
    raise SystemExit(f"the import did not reach {until}")


def _stored(database_url: str) -> tuple[int, int, int]:
    from hub.catalog.models import Customer, Order, OrderLine

    async def count() -> tuple[int, int, int]:
        await db.connect(database_url)
        try:
            return await Order.all().count(), await OrderLine.all().count(), await Customer.all().count()
        finally:
            await db.disconnect()

    return asyncio.run(count())


def bench_shopify_export(database_url: str, folder: Path, export: Path, orders: int) -> None:
    port, brand = _free_port(), f"Bench shop {secrets.token_hex(6)}"
    base_url = f"http://127.0.0.1:{port}"
    password = secrets.token_urlsafe(16)
    data_dir = folder / f"data-{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "HUB_DATA_DIR": str(data_dir),
        "HUB_DATABASE_URL": database_url,
        "HUB_SECRET_KEY": "bench-secret-" + secrets.token_hex(24),
        "HUB_ENV": "development",
        "HUB_BRAND_NAME": brand,
        "HUB_BASE_URL": base_url,
        "HUB_EMBEDDED_WORKER": "false",
    }
    log = folder / "processes.log"
    subprocess.run([sys.executable, "-m", "hub", "migrate"], env=env, check=True, capture_output=True)
    create = ["createuser", "--email", "admin@example.com", "--role", "admin", "--password-stdin"]
    subprocess.run(
        [sys.executable, "-m", "hub", *create],
        env=env,
        input=f"{password}\n".encode(),
        check=True,
        capture_output=True,
    )
    server = _hub(["serve", "--port", str(port)], env, log)
    worker = _hub(["worker"], env, log)
    try:
        _wait_for_own_server(server, base_url, brand)
        with (
            sampling({"web": server.pid, "worker": worker.pid}) as sampler,
            httpx.Client(base_url=base_url, timeout=600) as client,
        ):
            time.sleep(1)
            sampler.phase = "idle"
            time.sleep(1)
            token = _csrf(client, "/login")
            client.post(
                "/login", data={"email": "admin@example.com", "password": password, "csrf_token": token}
            )
            token = _csrf(client, "/admin/imports")
            sampler.phase = "upload"
            started = time.monotonic()
            with export.open("rb") as handle:
                answer = client.post(
                    "/admin/imports/upload",
                    data={"csrf_token": token, "kind": "orders"},
                    files={"file": (export.name, handle, "text/csv")},
                )
            upload_seconds = time.monotonic() - started
            if answer.status_code != 303:
                raise SystemExit(f"the upload answered {answer.status_code}: {answer.text[:2000]}")
            job_url = answer.headers["location"]
            watch = Watch()
            _follow(client, job_url, "previewed", watch, sampler)
            dry_seconds = watch.seen["previewed"] - watch.seen.get("previewing", watch.seen["previewed"])
            token = _csrf(client, job_url)
            client.post(f"{job_url}/confirm", data={"csrf_token": token})
            _follow(client, job_url, "done", watch, sampler)
            import_seconds = watch.seen["done"] - watch.seen.get("running", watch.seen["done"])
            web_peak, worker_peak = sampler.peak("web"), sampler.peak("worker")
            asked = time.monotonic()
            if client.get(job_url).status_code != 200:
                raise SystemExit("the report page did not answer")
            report_ms = (time.monotonic() - asked) * 1000
        phases = sampler.phases
    finally:
        for process in (worker, server):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # mid-job: the run has failed anyway, say why above
                process.kill()
                process.wait()
    stored, lines, customers = _stored(database_url)
    print(f"  file: {export.stat().st_size / 1e6:,.1f} MB; upload over HTTP {upload_seconds:.1f} s")
    print(f"  dry run (worker): {orders / dry_seconds:>8,.0f} orders/s   ({dry_seconds:.1f} s)")
    print(f"  import (worker):  {orders / import_seconds:>8,.0f} orders/s   ({import_seconds:.1f} s)")
    print(f"  stored: {stored:,} orders, {lines:,} lines, {customers:,} customers")
    print(f"  the report page answered in {report_ms:.0f} ms")
    print(
        "  peak resident memory over each process's life (VmHWM, start-up included): "
        f"worker {worker_peak:.0f} MB, web {web_peak:.0f} MB"
    )
    print("  resident memory sampled every 0.2 s, by the import's state:")
    for phase in ("idle", "upload", "uploaded", "previewing", "previewed", "queued", "running", "done"):
        if phase in phases:
            seen = phases[phase]
            web_max, worker_max = seen.get("web", 0.0), seen.get("worker", 0.0)
            print(f"    {phase:<11} web max {web_max:>5.0f} MB   worker max {worker_max:>5.0f} MB")
    web = [rss for _, rss in sampler.samples.get("web", [])]
    if web:
        print(f"  web resident memory over the run: min {min(web):.0f} MB, max {max(web):.0f} MB")


def main_shopify_export(orders: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        export = folder / "orders_export_1.csv"
        started = time.perf_counter()
        rows = write_shopify_export(export, orders)
        took = time.perf_counter() - started
        print(f"Shopify export: {orders:,} orders in {rows:,} rows, written in {took:.1f} s")
        print("SQLite")
        bench_shopify_export(f"sqlite://{folder}/bench.sqlite3", folder, export, orders)
        pg_url = os.environ.get("HUB_BENCH_DATABASE_URL")
        if pg_url:
            print("PostgreSQL")
            with scratch_postgres(pg_url) as url:
                bench_shopify_export(url, folder, export, orders)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shopify-export", action="store_true", help="import a Shopify export from the admin"
    )
    parser.add_argument("--orders", type=int, default=EXPORT_ORDERS, help="orders in the Shopify export")
    options = parser.parse_args()
    if options.shopify_export:
        main_shopify_export(options.orders)
        return
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        asyncio.run(bench(f"sqlite://{folder}/bench.sqlite3", Path(folder)))
        pg_url = os.environ.get("HUB_BENCH_DATABASE_URL")
        if pg_url:
            print("PostgreSQL")
            with scratch_postgres(pg_url) as url:
                asyncio.run(bench(url, Path(folder)))


if __name__ == "__main__":
    main()
