"""Load and faults: review submissions and widget reads on one server while SMTP and the worker fail.

    python bench/load.py [--seconds 60] [--clients 200] [--readers 20] [--tokens 10]

Creates a fresh PostgreSQL database on the server of $HUB_BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432), migrates it, and fills it through the services: products,
and per review client ``--tokens`` customers, each with an order, a sent invitation and a review
link. Then it starts one ``feedback-hub serve``, one ``feedback-hub worker`` and an SMTP server
(aiosmtpd, in this process) that records Message-IDs, all on loopback. For ``--seconds``:

- ``--clients`` clients each follow their own links: GET the form, POST a review;
- ``--readers`` clients read ``/widget/products/<sku>`` and ``/api/v1/products/<sku>/summary``
  as fast as they can;
- a feeder posts a small batch of fulfilled orders every two seconds, so the worker keeps
  turning invitations into mail;
- the SMTP server is stopped and restarted twice, and the worker is SIGKILLed and restarted twice.

Each simulated shopper sends its own X-Forwarded-For address (uvicorn trusts it from loopback,
as behind a reverse proxy), so the per-address limits apply per shopper, not to the whole load.
Afterwards it waits (bounded) for the outbox to drain and prints throughput, p50/p99 per kind,
5xx, submissions answered vs stored, and mail queued vs delivered vs duplicated. The sender is
at-most-once: a message in flight when the worker is killed is never resent ("unknown").
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hub import db as hub_db  # noqa: E402
from hub.catalog.models import Customer, Order, OrderLine, Product  # noqa: E402
from hub.invites.models import Invitation  # noqa: E402
from hub.links.models import LinkToken  # noqa: E402
from hub.links.tokens import token_hash  # noqa: E402

SECRET_KEY = "load-bench-secret-" + "s" * 40
PRODUCTS = 20
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
DRAIN_SECONDS = 100.0
FEED_EVERY = 2.0
FEED_BATCH = 10
UNCLAIMED_DUE = "SELECT count(*) AS n FROM invitation WHERE status = 'scheduled' AND claimed_by IS NULL"


# ---------------------------------------------------------------- SMTP server


class Recorder:
    """Counts every Message-ID the SMTP server accepted, across restarts."""

    def __init__(self) -> None:
        self.message_ids: Counter[str] = Counter()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        found = MESSAGE_ID.search(content.split(b"\r\n\r\n", 1)[0])
        self.message_ids[found.group(1).decode() if found else "(none)"] += 1
        return "250 Message accepted"


@dataclass
class MailServer:
    recorder: Recorder
    port: int
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hub_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "hub", *args]


@dataclass
class Hub:
    env: dict[str, str]
    logs: Path
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    worker_starts: int = 0

    def spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:
            return subprocess.Popen(hub_command(*args), env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_worker(self) -> None:
        self.worker_starts += 1
        self.worker = self.spawn("worker", "worker")

    def kill_worker(self) -> None:
        if self.worker is not None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(timeout=10)


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def hub_env(database_url: str, data_dir: Path, smtp_port: int, web_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "HUB_ENV": "production",
        "HUB_DATABASE_URL": database_url,
        "HUB_DATA_DIR": str(data_dir),
        "HUB_SECRET_KEY": SECRET_KEY,
        "HUB_SMTP_HOST": "127.0.0.1",
        "HUB_SMTP_PORT": str(smtp_port),
        "HUB_INVITE_DELAY_DAYS": "0",
        "HUB_BASE_URL": f"http://127.0.0.1:{web_port}",
        "HUB_EMBEDDED_WORKER": "false",
        # every bench client shares 127.0.0.1: per-address limits would throttle it
        "HUB_RATE_LIMITS": "widget=0/60,api=0/60,review=0/60",
    }


def run_hub(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        hub_command(*args), env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode:
        raise SystemExit(f"feedback-hub {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


# ---------------------------------------------------------------- database


def server_url() -> str:
    return os.environ.get("HUB_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(server_url())._replace(path=f"/{name}"))


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(database_url("postgres").replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def fetch(url: str, sql: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


async def fill(url: str, links: int) -> list[str]:
    """Products, and ``links`` customers each with an order, a sent invitation and a review link."""
    await hub_db.connect(url)
    try:
        products = [
            await Product.create(external_id=f"LOAD-{n}", name=f"Load product {n}") for n in range(PRODUCTS)
        ]
        return await _links(products, links)
    finally:
        await hub_db.disconnect()


async def _links(products: list[Product], count: int) -> list[str]:
    now = datetime.now(UTC)
    await Customer.bulk_create(
        [Customer(email=f"load{n}@example.net", name=f"Load Buyer{n}") for n in range(count)], batch_size=1000
    )
    customers = dict(await Customer.filter(email__startswith="load").values_list("email", "id"))
    await Order.bulk_create(
        [
            Order(
                source="api",
                external_id=f"L{n}",
                customer_id=customers[f"load{n}@example.net"],
                placed_at=now - timedelta(days=9),
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    orders = dict(await Order.filter(external_id__startswith="L").values_list("external_id", "id"))
    order_ids = [orders[f"L{n}"] for n in range(count)]
    await OrderLine.bulk_create(
        [OrderLine(order_id=o, product_id=products[n % len(products)].id) for n, o in enumerate(order_ids)],
        batch_size=1000,
    )
    await Invitation.bulk_create(
        [
            Invitation(
                order_id=o,
                customer_id=customers[f"load{n}@example.net"],
                status="sent",
                send_at=now,
                sent_at=now,
            )
            for n, o in enumerate(order_ids)
        ],
        batch_size=1000,
    )
    return await _tokens(order_ids, now)


async def _tokens(order_ids: list[int], now: datetime) -> list[str]:
    invitations = await Invitation.filter(order_id__in=order_ids).values("id", "order_id", "customer_id")
    by_order = {row["order_id"]: row for row in invitations}
    raws = [f"load{n}-{os.urandom(16).hex()}" for n in range(len(order_ids))]
    await LinkToken.bulk_create(
        [
            LinkToken(
                token_hash=token_hash(raw),
                purpose="review",
                order_id=o,
                customer_id=by_order[o]["customer_id"],
                invitation_id=by_order[o]["id"],
                expires_at=now + timedelta(days=90),
            )
            for raw, o in zip(raws, order_ids, strict=True)
        ],
        batch_size=1000,
    )
    return raws


# ---------------------------------------------------------------- load


@dataclass
class Kind:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)

    def record(self, started: float, status: int) -> None:
        self.latencies.append(time.perf_counter() - started)
        self.statuses[status] += 1


@dataclass
class Load:
    base: str
    deadline: float
    kinds: dict[str, Kind] = field(default_factory=dict)
    addresses: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def kind(self, name: str) -> Kind:
        return self.kinds.setdefault(name, Kind())

    def address(self) -> str:
        n = next(self.addresses)
        return f"10.{n // 65025 % 250}.{n // 255 % 255}.{n % 255 + 1}"

    def running(self) -> bool:
        return time.monotonic() < self.deadline


async def timed(load: Load, name: str, request: Awaitable[httpx.Response]) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        answer = await request
    except httpx.TransportError as error:
        load.kind(name).transport_errors[type(error).__name__] += 1
        return None
    load.kind(name).record(started, answer.status_code)
    return answer


def review_fields(form: str, index: int) -> dict[str, str] | None:
    csrf, product = CSRF.search(form), re.search(r'name="product_id" value="(\d+)"', form)
    if csrf is None or product is None:
        return None
    pid = product.group(1)
    return {
        "csrf_token": csrf.group(1),
        "product_id": pid,
        f"rating-{pid}": str(index % 5 + 1),
        f"title-{pid}": "Under load",
        f"body-{pid}": f"Load review {index}: it works as it should.",
    }


async def review_once(load: Load, token: str, index: int) -> None:
    headers = {"X-Forwarded-For": load.address()}
    async with httpx.AsyncClient(base_url=load.base, headers=headers, timeout=60) as browser:
        form = await timed(load, "review form GET", browser.get(f"/r/{token}"))
        data = review_fields(form.text, index) if form is not None and form.status_code == 200 else None
        if data is None:
            return
        await timed(load, "review POST", browser.post(f"/r/{token}", data=data))


async def reviewer(load: Load, tokens: list[tuple[int, str]]) -> None:
    for index, token in tokens:
        if not load.running():
            return
        await review_once(load, token, index)


async def reader(load: Load, client: httpx.AsyncClient) -> None:
    while load.running():
        sku = f"LOAD-{random.randrange(PRODUCTS)}"
        headers = {"X-Forwarded-For": load.address()}
        await timed(load, "widget fragment", client.get(f"/widget/products/{sku}", headers=headers))
        await timed(load, "summary JSON", client.get(f"/api/v1/products/{sku}/summary", headers=headers))


def order_batch(start: int) -> dict[str, Any]:
    fulfilled = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "orders": [
            {
                "id": f"F{n}",
                "customer": {"email": f"fed{n}@example.net", "name": f"Fed Buyer{n}"},
                "placed_at": (fulfilled - timedelta(days=1)).isoformat(),
                "fulfilled_at": fulfilled.isoformat(),
                "lines": [
                    {
                        "product": {"id": f"LOAD-{n % PRODUCTS}", "name": f"Load product {n % PRODUCTS}"},
                        "price": "9.90",
                    }
                ],
            }
            for n in range(start, start + FEED_BATCH)
        ]
    }


async def feeder(load: Load, key: str) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=load.base, timeout=60) as client:
        for batch in itertools.count():
            if not load.running():
                return
            body = order_batch(batch * FEED_BATCH)
            await timed(
                load, "orders batch POST", client.post("/api/v1/orders/batch", json=body, headers=headers)
            )
            await asyncio.sleep(FEED_EVERY)


# ---------------------------------------------------------------- faults


async def faults(load: Load, seconds: float, mail: MailServer, hub: Hub, events: list[str]) -> None:
    """Two SMTP outages and two worker kills, spread over the run."""
    plan: list[tuple[float, str]] = [(0.15, "smtp"), (0.35, "worker"), (0.6, "smtp"), (0.8, "worker")]
    started = time.monotonic()
    for at, what in plan:
        await asyncio.sleep(max(0.0, started + at * seconds - time.monotonic()))
        if not load.running():
            return
        if what == "smtp":
            await asyncio.to_thread(mail.stop)
            events.append(f"{time.monotonic() - started:5.1f} s SMTP server stopped")
            await asyncio.sleep(min(8.0, seconds * 0.1))
            await asyncio.to_thread(mail.start)
            events.append(f"{time.monotonic() - started:5.1f} s SMTP server restarted")
        else:
            hub.kill_worker()
            events.append(f"{time.monotonic() - started:5.1f} s worker SIGKILLed")
            await asyncio.sleep(2.0)
            hub.start_worker()
            events.append(f"{time.monotonic() - started:5.1f} s worker restarted")


# ---------------------------------------------------------------- report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _errors(errors: Counter[str]) -> str:
    return ", ".join(f"{n} {name}" for name, n in errors.most_common()) or "0"


def traffic_rows(load: Load, seconds: float) -> list[str]:
    rows = [
        "| kind | requests | per second | p50 ms | p99 ms | 5xx | 429 | other 4xx | transport errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, kind in sorted(load.kinds.items()):
        total = sum(kind.statuses.values())
        server = sum(n for s, n in kind.statuses.items() if s >= 500)
        other = sum(n for s, n in kind.statuses.items() if 400 <= s < 500 and s != 429)
        p50, p99 = (percentile(kind.latencies, share) * 1000 for share in (0.5, 0.99))
        rows.append(
            f"| {name} | {total} | {total / seconds:.1f} | {p50:.0f} | {p99:.0f} | {server} "
            f"| {kind.statuses[429]} | {other} | {_errors(kind.transport_errors)} |"
        )
    return rows


async def wait_for_drain(url: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_SECONDS:
        rows = await fetch(url, "SELECT count(*) AS n FROM outbox_message WHERE status = 'queued'")
        pending = await fetch(url, UNCLAIMED_DUE)
        if not rows[0]["n"] and not pending[0]["n"]:
            break
        await asyncio.sleep(2)
    return time.monotonic() - started


async def mail_rows(url: str, recorder: Recorder) -> list[str]:
    outbox = await fetch(url, "SELECT message_id, status, last_error FROM outbox_message")
    statuses = Counter(str(row["status"]) for row in outbox)
    ids = {str(row["message_id"]) for row in outbox}
    received = recorder.message_ids
    unknown = sum(
        1 for row in outbox if row["status"] == "failed" and str(row["last_error"]).startswith("unknown")
    )
    sent_not_received = sum(
        1 for row in outbox if row["status"] == "sent" and row["message_id"] not in received
    )
    stuck = await fetch(url, "SELECT count(*) AS n FROM invitation WHERE status = 'scheduled'")
    return [
        f"- mail queued (outbox rows): {len(outbox)}; by status: {dict(sorted(statuses.items()))}",
        f"- delivered (distinct Message-IDs received): {len(set(received) & ids)}",
        f"- duplicated (Message-IDs received more than once): {sum(1 for n in received.values() if n > 1)}",
        f"- lost (marked sent, never received): {sent_not_received}",
        f'- unknown, not resent (failed "unknown" or left in sending by a killed worker): '
        f"{unknown + statuses['sending']}, of which received anyway: "
        f"{sum(1 for row in outbox if row['status'] != 'sent' and row['message_id'] in received)}",
        f"- still queued after the drain (retry back-off): {statuses['queued']}",
        f"- invitations still scheduled (claimed by a killed worker, retried after the claim timeout): "
        f"{stuck[0]['n']}",
    ]


async def review_rows(url: str, load: Load) -> list[str]:
    posted = load.kind("review POST").statuses
    stored = await fetch(url, "SELECT count(*) AS n FROM review")
    return [
        f"- review submissions answered 303 (saved): {posted[303]}; all answers: {dict(posted)}",
        f"- reviews stored: {stored[0]['n']}",
    ]


# ---------------------------------------------------------------- main


async def run_load(
    args: argparse.Namespace, base: str, tokens: list[str], key: str, mail: MailServer, hub: Hub
) -> tuple[Load, list[str], float]:
    load = Load(base, time.monotonic() + args.seconds)
    events: list[str] = []
    shares = [list(enumerate(tokens))[i :: args.clients] for i in range(args.clients)]
    started = time.monotonic()
    limits = httpx.Limits(max_connections=args.readers, max_keepalive_connections=args.readers)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as shared:
        await asyncio.gather(
            *(reviewer(load, share) for share in shares),
            *(reader(load, shared) for _ in range(args.readers)),
            feeder(load, key),
            faults(load, args.seconds, mail, hub, events),
        )
    return load, events, time.monotonic() - started


async def wait_until_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        for _ in range(150):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the web process did not start")


async def bench(args: argparse.Namespace, workdir: Path) -> None:
    name = f"hub_load_{os.getpid()}"
    url = database_url(name)
    await admin(f"DROP DATABASE IF EXISTS {name}")
    await admin(f"CREATE DATABASE {name}")
    mail = MailServer(Recorder(), free_port())
    web_port = free_port()
    hub = Hub(hub_env(url, workdir / "var", mail.port, web_port), workdir)
    try:
        await measure(args, url, mail, hub, f"http://127.0.0.1:{web_port}", web_port)
    finally:
        stop(hub.web)
        stop(hub.worker)
        mail.stop()
        await admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def measure(
    args: argparse.Namespace, url: str, mail: MailServer, hub: Hub, base: str, port: int
) -> None:
    run_hub(hub.env, "migrate")
    key = run_hub(hub.env, "apikey", "create", "--name", "load", "--scope", "orders:write").split()[-1]
    started = time.perf_counter()
    tokens = await fill(url, args.clients * args.tokens)
    print(f"setup: {len(tokens)} review links in {time.perf_counter() - started:.1f} s", flush=True)
    mail.start()
    hub.web = hub.spawn("web", "serve", "--port", str(port))
    hub.start_worker()
    await wait_until_up(base)
    load, events, elapsed = await run_load(args, base, tokens, key, mail, hub)
    drained = await wait_for_drain(url)
    report(
        args,
        load,
        events,
        elapsed,
        drained,
        await review_rows(url, load),
        await mail_rows(url, mail.recorder),
    )


def report(
    args: argparse.Namespace,
    load: Load,
    events: list[str],
    elapsed: float,
    drained: float,
    reviews: list[str],
    mails: list[str],
) -> None:
    print(
        f"\n{args.clients} review clients, {args.readers} readers, {elapsed:.1f} s of load, "
        f"drain {drained:.0f} s; {os.cpu_count()} cores; {datetime.now(UTC):%Y-%m-%d}\n"
    )
    print("\n".join(traffic_rows(load, elapsed)))
    print("\nfaults:\n" + "\n".join(f"- {event}" for event in events))
    print("\nreviews:\n" + "\n".join(reviews))
    print("\nmail:\n" + "\n".join(mails))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=200, help="review clients")
    parser.add_argument("--readers", type=int, default=20, help="widget and summary readers")
    parser.add_argument("--tokens", type=int, default=10, help="review links per review client")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-load-") as workdir:
        asyncio.run(bench(args, Path(workdir)))


if __name__ == "__main__":
    main()
