"""The background loop: one pass runs every job of every domain, then it sleeps.

A job is ``async def job(settings, now) -> int`` (how much it did), named in
``JOBS`` as ``"module:function"`` so that a domain adds its own with one line.
A job that also takes a ``stop`` keyword gets the stop event and may end early.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import os
import secrets
import signal
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import TypeVar

from hub.config import Settings
from hub.files import private_dir
from hub.logredact import describe, redacted_traceback

log = logging.getLogger("hub.worker")

Job = Callable[..., Awaitable[int]]
Row = TypeVar("Row")

# Order matters: jobs that put mail into the outbox run before the sender drains it.
JOBS: dict[str, str] = {
    "invitations": "hub.invites.jobs:send_due_invitations",
    "reminders": "hub.invites.jobs:send_due_reminders",
    "case_sla": "hub.triage.jobs:escalate_overdue_cases",
    "case_follow_ups": "hub.triage.jobs:send_case_follow_ups",
    "case_webhooks": "hub.triage.jobs:deliver_case_webhooks",
    "snapshot_stages": "hub.advocacy.jobs:snapshot_stages",
    "win_backs": "hub.advocacy.jobs:send_win_backs",
    "win_back_wins": "hub.advocacy.jobs:attribute_win_backs",
    "ask_buyers": "hub.community.jobs:ask_buyers",
    "notify_askers": "hub.community.jobs:notify_askers",
    "staff_sign_ins": "hub.staff.jobs:prune_sign_in_records",
    "mail": "hub.mail.sender:send_due",
}
PAUSE_SECONDS = 5.0


async def each_row(job: str, rows: Iterable[Row], work: Callable[[Row], Awaitable[int]]) -> int:
    """Run ``work`` on each row of a batch and add up what it did; a row that fails is skipped.

    The skip is logged with the row's id and the error's type and place, never its message
    or the row's text (a database error quotes the values it refused), and the rest of the
    batch goes on. A job that claims rows leaves the claim to time out, so the row is tried
    again later.
    """
    done = 0
    for row in rows:
        try:
            done += await work(row)
        except Exception as error:
            log.warning("worker: %s skipped %s: %s", job, _row_id(row), describe(error))
    return done


def _row_id(row: object) -> str:
    row_id = getattr(row, "id", row)
    return f"{type(row).__name__.lower()} {row_id}" if row_id is not row else f"row {row_id}"


def make_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


WORKER_ID = make_worker_id()


def register_job(name: str, target: str) -> None:
    """Add a domain's job, e.g. ``register_job("case_sla", "hub.triage.jobs:escalate_due")``."""
    JOBS[name] = target


def load_job(target: str) -> Job | None:
    module_name, _, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        log.warning("worker: job %s skipped, module %s not found", target, error.name)
        return None
    job = getattr(module, function_name, None)
    if job is None:
        log.warning("worker: job %s skipped, function not found", target)
    return job


async def _run_job(name: str, job: Job, settings: Settings, now: datetime, stop: asyncio.Event | None) -> int:
    parameters = inspect.signature(job).parameters
    kwargs: dict[str, object] = {}
    if "stop" in parameters:
        kwargs["stop"] = stop
    if "worker_id" in parameters:
        kwargs["worker_id"] = WORKER_ID
    started = time.perf_counter()
    count = await job(settings, now, **kwargs)
    if count:
        log.info("worker: %s did %d in %.2f s", name, count, time.perf_counter() - started)
    return count


async def run_once(
    settings: Settings, now: datetime | None = None, stop: asyncio.Event | None = None
) -> dict[str, int]:
    """Run one pass of every job; returns what each did. A failing job does not stop the rest."""
    counts: dict[str, int] = {}
    for name, target in list(JOBS.items()):
        job = load_job(target)
        if job is None or (stop is not None and stop.is_set()):
            continue
        try:
            counts[name] = await _run_job(name, job, settings, now or datetime.now(UTC), stop)
        except Exception as error:
            log.error("worker: job %s failed: %s\n%s", name, describe(error), redacted_traceback(error))
            counts[name] = 0
    return counts


async def run_forever(settings: Settings, stop: asyncio.Event) -> None:
    """Pass after pass until ``stop`` is set; the message in hand is finished first."""
    private_dir(settings.data_dir)
    log.info("worker %s started", WORKER_ID)
    while not stop.is_set():
        await run_once(settings, stop=stop)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=PAUSE_SECONDS)
    log.info("worker %s stopped", WORKER_ID)


def install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


async def run_in_background(settings: Settings, stop: asyncio.Event) -> None:
    """The worker inside another process (``serve --demo``): never lets an error escape."""
    while not stop.is_set():
        try:
            await run_forever(settings, stop)
        except Exception:
            log.exception("embedded worker crashed; restarting in %s s", PAUSE_SECONDS)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=PAUSE_SECONDS)


@asynccontextmanager
async def embedded_worker(settings: Settings) -> AsyncIterator[None]:
    """Run the worker beside the web app when ``settings.embedded_worker`` is true."""
    if not settings.embedded_worker:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(run_in_background(settings, stop), name="embedded-worker")
    try:
        yield
    finally:
        stop.set()
        await task
