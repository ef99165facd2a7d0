"""Fresh databases per test, on SQLite and (with HUB_TEST_DATABASE_URL) PostgreSQL;
the factories and the named personas that every test directory shares.

Each backend gets one template database per session, built by applying the
migrations; every test then gets its own copy of it (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL).

Personas: Alice is an admin (she owns the shop), Bob a support agent, Carol a
moderator; Dana is a happy repeat buyer, Erin an unhappy first-time buyer.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from tortoise.backends.base import executor

from hub import db as hub_db
from hub.app import create_app
from hub.catalog.models import Customer, Order, OrderLine, Product
from hub.config import Settings
from hub.intake.submit import SubmissionResult, submit_review
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.web.ratelimit import limiter
from tests.imap_server import ImapServer, dovecot_present, start_dovecot

PG_URL = os.environ.get("HUB_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]
PASSWORD = "correct horse battery"
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
_counter = itertools.count()
_numbers = itertools.count(1)


def _pg_url(name: str) -> str:
    parts = urlsplit(PG_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _pg_admin(sql: str) -> None:
    connection = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _build_pg_template() -> str:
    name = f"hubtest_template_{os.getpid()}"
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name}"))
    asyncio.run(_pg_admin(f"CREATE DATABASE {name}"))
    asyncio.run(hub_db.migrate(_pg_url(name)))
    return name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    built: dict[str, str] = {}
    sqlite_file = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(hub_db.migrate(f"sqlite://{sqlite_file}"))
    built["sqlite"] = str(sqlite_file)
    if PG_URL:
        built["postgres"] = _build_pg_template()
    yield built
    if PG_URL:
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {built['postgres']}"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, templates: dict[str, str], tmp_path: Path) -> Iterator[str]:
    executor.EXECUTOR_CACHE.clear()
    if request.param == "sqlite":
        target = tmp_path / "hub.sqlite3"
        shutil.copyfile(templates["sqlite"], target)
        yield f"sqlite://{target}"
        return
    name = f"hubtest_{os.getpid()}_{next(_counter)}"
    asyncio.run(_pg_admin(f"CREATE DATABASE {name} TEMPLATE {templates['postgres']}"))
    yield _pg_url(name)
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    if not dovecot_present():
        if os.environ.get("HUB_TEST_REQUIRE_IMAP"):
            pytest.fail(
                "HUB_TEST_REQUIRE_IMAP is set but dovecot is not installed (apt-get install dovecot-imapd)"
            )
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    # Not under pytest's own temporary folder: that is 0700, and Dovecot's mail processes
    # run as the dovecot user.
    folder = Path(tempfile.mkdtemp(prefix="hub-dovecot-"))
    try:
        with start_dovecot(folder) as server:
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def fresh_limiter() -> Iterator[None]:
    """The services' rate limiter counts per process: each test starts with no counts."""
    limiter.clear()
    yield
    limiter.clear()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        # One key per test: sessions and signed links of one test never pass in the next.
        secret_key="test-secret-key-" + secrets.token_hex(16),
        env="test",
        base_url="http://testserver",
        brand_name="Acme Outdoors",
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[str]:
    await hub_db.connect(settings.database_url)
    yield settings.database_url
    await hub_db.disconnect()


@pytest.fixture
def app(settings: Settings) -> Starlette:
    return create_app(settings)


@pytest.fixture
async def client(app: Starlette, db: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


async def _staff(email: str, roles: str, password_hash: str, name: str) -> StaffUser:
    return await StaffUser.create(email=email, roles=roles, password_hash=password_hash, name=name)


@pytest.fixture
async def alice(db: str, password_hash: str) -> StaffUser:
    """Alice is an admin."""
    return await _staff("alice@example.com", "admin", password_hash, "Alice Admin")


@pytest.fixture
async def bob(db: str, password_hash: str) -> StaffUser:
    """Bob is a support agent."""
    return await _staff("bob@example.com", "agent", password_hash, "Bob Agent")


@pytest.fixture
async def carol(db: str, password_hash: str) -> StaffUser:
    """Carol is a moderator."""
    return await _staff("carol@example.com", "moderator", password_hash, "Carol Moderator")


async def csrf_from(client: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of the form on ``path``."""
    page = await client.get(path)
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


async def post_login(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, token: str | None = None
) -> httpx.Response:
    """The sign-in form posted for ``email``, with ``token`` or the form's own CSRF token."""
    token = token or await csrf_from(client, "/login")
    return await client.post("/login", data={"email": email, "password": password, "csrf_token": token})


async def log_in(client: httpx.AsyncClient, user: StaffUser, password: str = PASSWORD) -> httpx.Response:
    return await post_login(client, user.email, password)


@pytest.fixture
def login(client: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    async def do(user: StaffUser, password: str = PASSWORD) -> httpx.Response:
        return await log_in(client, user, password)

    return do


def run_sync(database_url: str, work):  # type: ignore[no-untyped-def]
    """Run ``work()`` against the database from a synchronous test (CLI tests)."""

    async def wrapped():  # type: ignore[no-untyped-def]
        await hub_db.connect(database_url)
        try:
            return await work()
        finally:
            await hub_db.disconnect()

    return asyncio.run(wrapped())


async def make_customer(
    name: str = "Dana Buyer", *, email: str = "", created: datetime | None = None, **fields: Any
) -> Customer:
    """A customer (a fresh address unless ``email``); ``created`` backdates the record."""
    email = email or f"buyer{next(_numbers)}@example.net"
    customer = await Customer.create(email=email, name=name, **fields)
    if created is not None:
        await Customer.filter(id=customer.id).update(created_at=created)
        customer.created_at = created
    return customer


async def make_product(name: str = "Trail Tent", **fields: Any) -> Product:
    fields.setdefault("external_id", f"P{next(_numbers)}")
    return await Product.create(name=name, **fields)


async def make_order(
    customer: Customer,
    *products: Product,
    placed_at: datetime | None = None,
    total: str = "100.00",
    external_id: str = "",
    **fields: Any,
) -> Order:
    """An order of one of each of ``products`` (none: an order without lines), 20 days before NOW."""
    order = await Order.create(
        source="api",
        external_id=external_id or f"O{next(_numbers)}",
        customer=customer,
        total=Decimal(total),
        placed_at=placed_at or NOW - timedelta(days=20),
        **fields,
    )
    for product in products:
        await OrderLine.create(order=order, product=product, quantity=1, unit_price=Decimal(total))
    return order


async def make_review(settings: Settings, product: Product, **overrides: Any) -> SubmissionResult:
    """A five-star review of ``product`` through the whole pipeline; ``overrides`` change it."""
    options: dict[str, Any] = {
        "product": product,
        "rating": 5,
        "title": "Great tent",
        "body": f"Pitched it in five minutes, stayed dry all night. ({next(_numbers)})",
        "display_name": "Dana B.",
    }
    options.update(overrides)
    return await submit_review(settings, **options)


@pytest.fixture
async def tent(db: str) -> Product:
    """The shop's best seller."""
    return await make_product(
        "Trail Tent",
        external_id="tent",
        url="https://shop.example/tent",
        image_url="https://shop.example/tent.jpg",
    )


@pytest.fixture
async def dana(db: str, tent: Product) -> Customer:
    """Dana is a happy repeat buyer: she has bought the tent twice, the last time 20 days ago."""
    dana = await make_customer("Dana Buyer", email="dana@example.com")
    await make_order(dana, tent, placed_at=NOW - timedelta(days=200))
    await make_order(dana, tent, fulfilled_at=NOW - timedelta(days=18))
    return dana


@pytest.fixture
async def erin(db: str, settings: Settings, tent: Product) -> Customer:
    """Erin is an unhappy first-time buyer: her one order of the tent arrived broken (one star)."""
    erin = await make_customer("Erin Walker", email="erin@example.org")
    order = await make_order(erin, tent, fulfilled_at=NOW - timedelta(days=18))
    body = "The tent arrived with a broken pole and nobody answered my emails."
    await make_review(settings, tent, customer=erin, order=order, rating=1, title="Broken", body=body)
    return erin
