from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from tortoise import connections

from hub import db as hub_db
from hub.cli import main
from hub.config import Settings
from hub.invites.jobs import send_due_invitations
from hub.invites.models import Invitation
from hub.mail.models import OutboxMessage
from hub.orders.ingest import ingest_order
from hub.worker import JOBS, embedded_worker, run_forever, run_once
from tests.invites.conftest import SHIPPED, dana_order
from tests.mail.conftest import queue_message


async def count_three(settings: Settings, now: datetime) -> int:
    return 3


async def test_it_runs_every_job_once_and_returns_the_counts(
    settings: Settings, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(JOBS, "triage_sla", count_three)
    await queue_message(settings)
    counts = await run_once(settings, datetime.now(UTC))
    assert counts["mail"] == 1 and counts["triage_sla"] == 3
    assert set(counts) == set(JOBS)
    assert len(list(settings.mail_dir.glob("*.eml"))) == 1


async def test_a_failing_job_does_not_stop_the_others(
    settings: Settings, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(JOBS, "broken", broken_job)
    await queue_message(settings)
    counts = await run_once(settings)
    assert counts["broken"] == 0 and counts["mail"] == 1


async def broken_job(settings: Settings, now: datetime) -> int:
    raise RuntimeError("boom")


async def test_it_loops_until_stopped(settings: Settings, db: str) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(settings, stop))
    await queue_message(settings)
    await _wait_until_sent()
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_the_embedded_worker_sends_mail_beside_the_app(settings: Settings, db: str) -> None:
    embedded = settings.with_overrides(embedded_worker=True)
    async with embedded_worker(embedded):
        await queue_message(settings)
        await _wait_until_sent()


async def _wait_until_sent() -> None:
    for _ in range(100):
        if await OutboxMessage.filter(status="sent").exists():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the worker sent nothing")


async def _queue_one(settings: Settings) -> None:
    await hub_db.connect(settings.database_url)
    try:
        await queue_message(settings)
    finally:
        await hub_db.disconnect()


def test_the_worker_command_runs_one_pass_and_prints_the_counts(settings: Settings) -> None:
    asyncio.run(_queue_one(settings))
    env = {
        "HUB_DATABASE_URL": settings.database_url,
        "HUB_DATA_DIR": str(settings.data_dir),
        "HUB_SECRET_KEY": settings.secret_key,
        "HUB_BASE_URL": settings.base_url,
    }
    result = CliRunner().invoke(main, ["worker", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "mail: 1" in result.output
    assert len(list(settings.mail_dir.glob("*.eml"))) == 1


def test_the_worker_command_names_a_bad_setting() -> None:
    result = CliRunner().invoke(main, ["worker", "--once"], env={"HUB_SMTP_TLS": "maybe"})
    assert result.exit_code == 1
    assert "HUB_SMTP_TLS='maybe' is not valid" in result.output


async def test_a_bad_row_is_put_back_with_its_reason_and_the_rest_of_the_batch_goes_on(
    settings: Settings, db: str, caplog: pytest.LogCaptureFixture
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's columns cannot hold the bad row; SQLite kept it from before the checks")
    await ingest_order(settings, dana_order("1001"))
    await ingest_order(settings, dana_order("1002", email="erin@example.com"))
    too_long = "erin.o.the.very.long." * 14 + "@example.com"  # 306 characters, past to_address
    await connections.get("default").execute_query(
        "UPDATE customer SET email = ? WHERE email = ?", [too_long, "erin@example.com"]
    )
    with caplog.at_level(logging.WARNING):
        sent = await send_due_invitations(settings, SHIPPED + settings.invite_delay)
    assert sent == 1
    assert [m.to_address for m in await OutboxMessage.all()] == ["dana@example.com"]
    assert "worker: invitation will retry invitation" in caplog.text
    assert "ValidationError (to_address)" in caplog.text
    bad = await Invitation.get(attempts=1)
    assert bad.claimed_by is None
    assert bad.next_attempt_at == SHIPPED + settings.invite_delay + timedelta(minutes=1)
    assert "erin" not in caplog.text


async def test_a_subject_too_long_for_its_column_is_cut_and_the_mail_queued(
    settings: Settings, db: str
) -> None:
    long_brand = settings.with_overrides(brand_name="Acme " * 60)
    await ingest_order(long_brand, dana_order("1001"))
    assert await send_due_invitations(long_brand, SHIPPED + long_brand.invite_delay) == 1
    message = await OutboxMessage.get()
    assert len(message.subject) == 255 and message.subject.startswith("Dana, how was your order from Acme")
