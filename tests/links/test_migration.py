"""Migration 0011: links mailed before it (rows of the old access_token table) keep working."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base import executor
from tortoise.migrations.api import migrate as migrate_api

from hub import db as hub_db
from hub.app import create_app
from hub.catalog.models import Customer, Order, Product
from hub.config import Settings
from hub.links.models import LinkPurpose, LinkToken
from hub.links.tokens import LinkUnknown, resolve_token, token_hash
from tests.conftest import BACKENDS, _pg_admin, _pg_url

BEFORE = "hub.0010_confirm_askers"
LATER = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
COLUMNS = (
    "token_hash, purpose, customer_id, order_id, invitation_id, subject_type, subject_id,"
    " uploads, expires_at, used_at, created_at"
)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet, so that it can be migrated step by step."""
    executor.EXECUTOR_CACHE.clear()
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'mailed.sqlite3'}"
        return
    name = f"hubtest_{os.getpid()}_mailed_{secrets.token_hex(4)}"
    asyncio.run(_pg_admin(f"CREATE DATABASE {name}"))
    yield _pg_url(name)
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def _old_token(raw: str, purpose: str, **columns: object) -> None:
    """A row as the hub wrote it before 0011, through plain SQL (its model is gone)."""
    values = {
        "customer_id": None,
        "order_id": None,
        "invitation_id": None,
        "subject_type": "",
        "subject_id": None,
        "uploads": 0,
        "expires_at": LATER,
        "used_at": None,
        **columns,
    }
    row = [token_hash(raw), purpose, *values.values(), datetime.now(UTC)]
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    marks = ", ".join(f"${n}" if postgres else "?" for n in range(1, len(row) + 1))
    insert = f"INSERT INTO access_token ({COLUMNS}) VALUES ({marks})"  # noqa: S608 (constant columns)
    await connection.execute_query(insert, row)


async def _old_row(table: str, **columns: object) -> int:
    """A row as written at 0010, through plain SQL (later migrations add columns); its id."""
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    marks = ", ".join(f"${n}" if postgres else "?" for n in range(1, len(columns) + 1))
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (constant names)
    await connection.execute_query(insert, list(columns.values()))
    _, rows = await connection.execute_query(f"SELECT MAX(id) AS id FROM {table}")  # noqa: S608
    return int(rows[0]["id"])


async def _old_invitation(order: Order, customer: Customer) -> int:
    """The order's invitation as written at 0010, through plain SQL (later migrations add columns)."""
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    marks = ", ".join(f"${n}" if postgres else "?" for n in range(1, 6))
    insert = f"INSERT INTO invitation (order_id, customer_id, status, send_at, created_at) VALUES ({marks})"  # noqa: S608
    now = datetime.now(UTC)
    await connection.execute_query(insert, [order.id, customer.id, "scheduled", now, now])
    _, rows = await connection.execute_query("SELECT id FROM invitation")
    return int(rows[0]["id"])


async def _mailed_before_0011(url: str) -> tuple[Customer, Order, int]:
    """Dana's order, with a review link, a photo link, a case's survey link and a used staff invite."""
    await migrate_api(config=hub_db.tortoise_config(url), target=BEFORE)
    await Tortoise.close_connections()
    await hub_db.connect(url)
    now = datetime.now(UTC)
    dana_id = await _old_row(
        "customer",
        email="dana@example.net",
        name="Dana Buyer",
        locale="en",
        mail_opt_outs="[]",
        stage="new",
        advocate_score=0,
        profile_name="",
        created_at=now,
        updated_at=now,
    )
    dana = Customer(id=dana_id, email="dana@example.net", name="Dana Buyer")
    tent = await Product.create(external_id="tent-2p", name="Trail Tent")
    order_id = await _old_row(
        "orders",
        source="api",
        external_id="1001",
        customer_id=dana.id,
        currency="USD",
        total=0,
        placed_at=now,
        created_at=now,
        updated_at=now,
    )
    await _old_row("order_line", order_id=order_id, product_id=tent.id, quantity=1, unit_price=0)
    order = Order(id=order_id, source="api", external_id="1001", customer_id=dana.id, placed_at=now)
    invitation_id = await _old_invitation(order, dana)
    await _old_token(
        "mailed-review", "review", customer_id=dana.id, order_id=order.id, invitation_id=invitation_id
    )
    await _old_token("mailed-photo", "photo", customer_id=dana.id, order_id=order.id, uploads=2)
    await _old_token("mailed-case-survey", "survey", customer_id=dana.id, subject_type="case", subject_id=9)
    await _old_token("mailed-survey", "survey", customer_id=dana.id, subject_type="survey", subject_id=3)
    used = {"subject_type": "staff", "subject_id": 1, "used_at": datetime.now(UTC)}
    await _old_token("used-invite", "staff_invite", **used)
    await hub_db.disconnect()
    return dana, order, invitation_id


async def test_links_mailed_before_the_migration_resolve_after_it(empty_database_url: str) -> None:
    dana, order, invitation_id = await _mailed_before_0011(empty_database_url)
    await hub_db.migrate(empty_database_url)
    await hub_db.connect(empty_database_url)
    try:
        review = await resolve_token("mailed-review", LinkPurpose.REVIEW)
        assert (review.customer_id, review.order_id, review.invitation_id) == (
            dana.id,
            order.id,
            invitation_id,
        )
        assert review.expires_at == LATER and review.revoked_at is None
        photo = await resolve_token("mailed-photo", LinkPurpose.PHOTO_SHARE)
        assert (photo.order_id, photo.uploads) == (order.id, 2)
        follow_up = await resolve_token("mailed-case-survey", LinkPurpose.FOLLOW_UP)
        assert (follow_up.subject_type, follow_up.subject_id) == ("case", 9)
        assert (await resolve_token("mailed-survey", LinkPurpose.SURVEY)).subject_id == 3
        with pytest.raises(LinkUnknown):  # used before the migration, used after it
            await resolve_token("used-invite", LinkPurpose.STAFF_INVITE)
        assert await LinkToken.all().count() == 5
    finally:
        await hub_db.disconnect()


async def test_a_review_link_mailed_before_the_migration_opens_the_form(
    empty_database_url: str, tmp_path: Path
) -> None:
    await _mailed_before_0011(empty_database_url)
    await hub_db.migrate(empty_database_url)
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=empty_database_url,
        secret_key="test-secret-key-" + secrets.token_hex(16),
        env="test",
        base_url="http://testserver",
        brand_name="Acme Outdoors",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            page = await client.get("/r/mailed-review")
            assert page.status_code == 200 and "Trail Tent" in page.text
            assert (await client.get("/share/mailed-photo")).status_code == 200
