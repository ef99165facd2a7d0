"""Fresh databases per test, on SQLite and (with HUB_TEST_DATABASE_URL) PostgreSQL.

Each backend gets one template database per session, built by applying the
migrations; every test then gets its own copy of it (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from tortoise.backends.base import executor

from hub import db as hub_db
from hub.app import create_app
from hub.config import Settings
from hub.staff.models import StaffUser
from hub.staff.passwords import hash_password
from hub.web.ratelimit import limiter

PG_URL = os.environ.get("HUB_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]
PASSWORD = "correct horse battery"
_counter = itertools.count()


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


async def log_in(client: httpx.AsyncClient, user: StaffUser, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_from(client, "/login")
    return await client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})


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
