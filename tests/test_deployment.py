"""Several web processes and several workers share one PostgreSQL database.

Two `feedback-hub serve` processes and two `feedback-hub worker` processes run against a
fresh database and a real SMTP server. A burst of orders (some sent twice, to either
process) must give exactly one review request per invitation, and reviews whose form was
read from one process and posted to the other must all be stored.

Each simulated customer carries its own X-Forwarded-For address (uvicorn trusts it from
loopback, as behind a reverse proxy), so the per-address limits apply per customer.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PG_URL, _pg_admin, _pg_url, free_port
from tests.mail.conftest import MailCollector, start_server

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (HUB_TEST_DATABASE_URL)")

ORDERS = 60
SENT_TWICE = range(0, ORDERS, 4)
SECRET_KEY = "deployment-test-secret-" + "k" * 32
MAIL_TIMEOUT = 45.0
STOP_TIMEOUT = 10.0
REVIEW_LINK = re.compile(r"https?://[^\s/]+/r/([A-Za-z0-9_-]+)(?![A-Za-z0-9_?-])")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PRODUCT_ID = re.compile(r'name="product_id" value="(\d+)"')


@dataclass
class Deployment:
    env: dict[str, str]
    database_url: str
    ports: tuple[int, int]
    mailbox: MailCollector
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index % 2]}"


def hub_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "hub", *args]


def run_hub(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        hub_command(*args),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def start(deployment: Deployment, log: Path, *args: str) -> None:
    with log.open("wb") as handle:
        process = subprocess.Popen(  # noqa: S603
            hub_command(*args),
            env=deployment.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    deployment.processes.append(process)


def stop_all(processes: list[subprocess.Popen[bytes]]) -> list[int | None]:
    for process in processes:
        process.terminate()
    codes: list[int | None] = []
    for process in processes:
        try:
            codes.append(process.wait(timeout=STOP_TIMEOUT))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
            codes.append(None)
    return codes


def hub_env(database_url: str, data_dir: Path, smtp_port: int, web_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "HUB_ENV": "test",
        "HUB_DATABASE_URL": database_url,
        "HUB_DATA_DIR": str(data_dir),
        "HUB_SECRET_KEY": SECRET_KEY,
        "HUB_SMTP_HOST": "127.0.0.1",
        "HUB_SMTP_PORT": str(smtp_port),
        "HUB_INVITE_DELAY_DAYS": "0",
        "HUB_BASE_URL": f"http://127.0.0.1:{web_port}",
        "HUB_EMBEDDED_WORKER": "false",
    }


@pytest.fixture
def fresh_database() -> Iterator[str]:
    name = f"hubdeploy_{os.getpid()}"
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    asyncio.run(_pg_admin(f"CREATE DATABASE {name}"))
    yield _pg_url(name)
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def deployment(fresh_database: str, tmp_path: Path) -> Iterator[Deployment]:
    mailbox = MailCollector()
    smtp_port = free_port()
    controller = start_server(mailbox, smtp_port)
    ports = (free_port(), free_port())
    env = hub_env(fresh_database, tmp_path / "var", smtp_port, ports[0])
    running = Deployment(env, fresh_database, ports, mailbox)
    try:
        run_hub(env, "migrate")
        for index, port in enumerate(ports):
            start(running, tmp_path / f"web{index}.log", "serve", "--port", str(port))
        for index in range(2):
            start(running, tmp_path / f"worker{index}.log", "worker")
        yield running
    finally:
        codes = stop_all(running.processes)
        controller.stop()
    # uvicorn re-raises SIGTERM once its graceful shutdown is done; None means it had to be killed.
    assert set(codes) <= {0, -signal.SIGTERM}, f"processes did not stop cleanly: {codes}"


def api_key(env: dict[str, str]) -> str:
    return (
        run_hub(env, "apikey", "create", "--name", "deployment test", "--scope", "orders:write")
        .strip()
        .splitlines()[-1]
    )


async def wait_until_up(client: httpx.AsyncClient, deployment: Deployment) -> None:
    deadline = time.monotonic() + 30
    for index in range(2):
        while True:
            try:
                if (await client.get(f"{deployment.url(index)}/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the web processes did not start"
            await asyncio.sleep(0.2)


def order(number: int) -> dict[str, Any]:
    fulfilled = datetime.now(UTC) - timedelta(hours=1)
    return {
        "id": f"D{number:04d}",
        "customer": {"email": f"buyer{number}@example.net", "name": f"Buyer {number} Deploy"},
        "placed_at": (fulfilled - timedelta(days=2)).isoformat(),
        "fulfilled_at": fulfilled.isoformat(),
        "lines": [
            {
                "product": {"id": f"SKU-{number % 5}", "name": f"Product {number % 5}"},
                "quantity": 1,
                "price": "19.90",
            }
        ],
    }


async def post_order(
    client: httpx.AsyncClient, deployment: Deployment, key: str, number: int, target: int
) -> int:
    answer = await client.post(
        f"{deployment.url(target)}/api/v1/orders",
        json=order(number),
        headers={"Authorization": f"Bearer {key}"},
    )
    return answer.status_code


async def send_orders(client: httpx.AsyncClient, deployment: Deployment, key: str) -> Counter[int]:
    sends = [(n, n) for n in range(ORDERS)] + [(n, n + 1) for n in SENT_TWICE]
    codes = await asyncio.gather(*(post_order(client, deployment, key, n, t) for n, t in sends))
    return Counter(codes)


async def outbox_pending(database_url: str) -> int:
    connection = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        pending = await connection.fetchval(
            "SELECT count(*) FROM outbox_message WHERE status IN ('queued', 'sending')"
        )
        unsent = await connection.fetchval("SELECT count(*) FROM invitation WHERE status = 'scheduled'")
    finally:
        await connection.close()
    return int(pending) + int(unsent)


async def wait_for_mail(deployment: Deployment) -> None:
    deadline = time.monotonic() + MAIL_TIMEOUT
    while time.monotonic() < deadline:
        if len(deployment.mailbox.received) >= ORDERS and not await outbox_pending(deployment.database_url):
            return
        await asyncio.sleep(0.5)


def review_token(mail: Any) -> str:
    text = mail.get_body(preferencelist=("plain",)).get_content()
    found = REVIEW_LINK.search(text)
    assert found is not None, "no review link in the text part"
    return found.group(1)


async def review(deployment: Deployment, token: str, index: int) -> int:
    headers = {"X-Forwarded-For": f"10.0.{index // 250}.{index % 250 + 1}"}
    async with httpx.AsyncClient(headers=headers, timeout=30) as browser:
        form = await browser.get(f"{deployment.url(index)}/r/{token}")
        assert form.status_code == 200
        csrf, product = CSRF.search(form.text), PRODUCT_ID.search(form.text)
        assert csrf is not None and product is not None
        pid = product.group(1)
        data = {
            "csrf_token": csrf.group(1),
            "product_id": pid,
            f"rating-{pid}": str(index % 5 + 1),
            f"title-{pid}": "Solid buy",
            f"body-{pid}": f"Review number {index}: it does its job.",
        }
        answer = await browser.post(f"{deployment.url(index + 1)}/r/{token}", data=data)
    return answer.status_code


async def stored_reviews(database_url: str) -> int:
    connection = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM review"))
    finally:
        await connection.close()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def test_two_web_processes_and_two_workers_send_each_request_once_and_store_every_review(
    deployment: Deployment, http: httpx.AsyncClient
) -> None:
    key = api_key(deployment.env)
    await wait_until_up(http, deployment)

    codes = await send_orders(http, deployment, key)
    assert set(codes) <= {200, 201} and codes[201] == ORDERS, codes

    await wait_for_mail(deployment)
    received = deployment.mailbox.received
    recipients = Counter(str(mail["To"]) for mail in received)
    assert len(recipients) == ORDERS, f"{len(recipients)} of {ORDERS} customers got a request"
    assert set(recipients.values()) == {1}, "a customer got more than one request"
    assert len(set(deployment.mailbox.message_ids)) == len(received) == ORDERS

    tokens = [review_token(mail) for mail in received]
    answers = await asyncio.gather(*(review(deployment, t, i) for i, t in enumerate(tokens)))
    assert Counter(answers) == Counter({303: ORDERS})
    assert await stored_reviews(deployment.database_url) == ORDERS
