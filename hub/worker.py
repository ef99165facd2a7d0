"""The background loop: one pass runs every job of every domain, then it sleeps.

A job is ``async def job(settings, now) -> int`` (how much it did), listed in ``JOBS``;
a domain adds its own with one import and one line. A job that also takes a ``stop``
keyword gets the stop event and may end early; one that takes ``worker_id`` gets this
process's. Jobs claim their rows through ``hub.queue``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime

from hub.advocacy.jobs import (
    assign_tiers,
    attribute_win_backs,
    award_badges,
    expire_points,
    mature_points,
    rebuild_co_purchases,
    rebuild_history,
    remind_points_expiry,
    reward_matured_referrals,
    send_birthdays,
    send_win_backs,
    snapshot_stages,
)
from hub.community.jobs import ask_buyers, notify_askers
from hub.config import Settings
from hub.files import private_dir
from hub.invites.jobs import send_due_invitations, send_due_reminders
from hub.logredact import describe, redacted_traceback
from hub.mail.sender import send_due
from hub.photos.fetch import fetch_imported_photos
from hub.policy.store import LivePolicy
from hub.queue import WORKER_ID
from hub.reviews.rescans import run_rescans
from hub.staff.jobs import prune_sign_in_records
from hub.survey_sends.jobs import (
    expand_survey_sends,
    send_survey_deliveries,
    send_survey_reminders,
    watch_survey_events,
)
from hub.transfer.jobs import run_imports
from hub.triage.inbound.jobs import read_support_mailbox
from hub.triage.jobs import escalate_overdue_cases, reassign_away_agents_cases, send_case_follow_ups
from hub.webhooks.delivery import deliver_webhooks

log = logging.getLogger("hub.worker")

Job = Callable[..., Awaitable[int]]

# Order matters: jobs that put mail into the outbox run before the sender drains it.
JOBS: dict[str, Job] = {
    "invitations": send_due_invitations,
    "reminders": send_due_reminders,
    "inbound_mail": read_support_mailbox,
    "case_sla": escalate_overdue_cases,
    "case_follow_ups": send_case_follow_ups,
    "imports": run_imports,
    "case_reassign": reassign_away_agents_cases,
    "history_rebuilds": rebuild_history,
    "snapshot_stages": snapshot_stages,
    "tiers": assign_tiers,
    "birthdays": send_birthdays,
    "badges": award_badges,
    "win_backs": send_win_backs,
    "win_back_wins": attribute_win_backs,
    "survey_rounds": expand_survey_sends,
    "survey_events": watch_survey_events,
    "survey_deliveries": send_survey_deliveries,
    "survey_reminders": send_survey_reminders,
    "points_mature": mature_points,
    "points_expiry_reminders": remind_points_expiry,
    "points_expiry": expire_points,
    "co_purchases": rebuild_co_purchases,
    "referral_rewards": reward_matured_referrals,
    "ask_buyers": ask_buyers,
    "notify_askers": notify_askers,
    "staff_sign_ins": prune_sign_in_records,
    "photo_fetches": fetch_imported_photos,
    "review_rescans": run_rescans,
    "webhooks": deliver_webhooks,
    "mail": send_due,
}
PAUSE_SECONDS = 5.0


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
    for name, job in list(JOBS.items()):
        if stop is not None and stop.is_set():
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
    policy = LivePolicy(settings)
    while not stop.is_set():
        await policy.refresh()  # shop policy changed on /admin/settings, in effect from this pass
        await run_once(policy.settings, stop=stop)
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
