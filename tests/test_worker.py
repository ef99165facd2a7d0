from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from hub import db as hub_db
from hub.cli import main
from hub.config import Settings
from hub.mail.models import OutboxMessage
from hub.worker import JOBS, embedded_worker, run_forever, run_once
from tests.mail.conftest import queue_message


async def count_three(settings: Settings, now: datetime) -> int:
    return 3


async def test_it_runs_every_job_once_and_returns_the_counts(
    settings: Settings, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(JOBS, "triage_sla", "tests.test_worker:count_three")
    monkeypatch.setitem(JOBS, "not_written_yet", "hub.nowhere.jobs:nothing")
    await queue_message(settings)
    counts = await run_once(settings, datetime.now(UTC))
    assert counts["mail"] == 1 and counts["triage_sla"] == 3
    assert "not_written_yet" not in counts
    assert len(list(settings.mail_dir.glob("*.eml"))) == 1


async def test_a_failing_job_does_not_stop_the_others(
    settings: Settings, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(JOBS, "broken", "tests.test_worker:broken_job")
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
    embedded = settings.with_overrides(extra={"embedded_worker": True})
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
    env = {"HUB_DATABASE_URL": settings.database_url, "HUB_DATA_DIR": str(settings.data_dir),
           "HUB_SECRET_KEY": settings.secret_key, "HUB_BASE_URL": settings.base_url}
    result = CliRunner().invoke(main, ["worker", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "mail: 1" in result.output
    assert len(list(settings.mail_dir.glob("*.eml"))) == 1


def test_the_worker_command_names_a_bad_setting() -> None:
    result = CliRunner().invoke(main, ["worker", "--once"], env={"HUB_SMTP_TLS": "maybe"})
    assert result.exit_code == 1
    assert "HUB_SMTP_TLS='maybe' is not valid" in result.output
