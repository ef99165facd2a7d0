"""Worker job ``imports``: the dry run of each uploaded file, then the import an admin confirmed.

Both run the command line's own functions (`import_orders`, `import_reviews`), so the
admin and ``feedback-hub import`` give the same result for the same file. Each holds a
lease (`hub.queue`): the progress written to the row every half second also renews the
claim, and a worker killed mid-import leaves a claim that ``recover`` gives back after
the lease; the next worker runs the import again from the start, which is safe because
imports upsert orders and skip reviews already imported. A worker asked to stop gives
the file back at once (the next pass imports it).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from hub.advocacy.backfill import request_history_rebuild
from hub.config import Settings
from hub.orders.csv_import import CsvFileError, ImportAborted, import_orders, read_orders
from hub.queue import WORKER_ID, Queue
from hub.transfer.imports import ImportOptions, Report, file_of, remove_file
from hub.transfer.models import ImportJob, ImportKind, ImportState
from hub.transfer.review_rows import ReviewFileError
from hub.transfer.reviews_import import import_reviews

LEASE = timedelta(minutes=10)
PROGRESS_EVERY = 0.5  # seconds between two writes of the progress (and renewals of the lease)


def _queue(name: str, waiting: ImportState, working: ImportState) -> Queue[ImportJob]:
    return Queue(
        name=name,
        model=ImportJob,
        due=lambda now: Q(state=waiting.value, next_attempt_at__lte=now),
        order_by=("next_attempt_at", "id"),
        lease=LEASE,
        claimed={"state": working.value},
        released={"state": waiting.value},
        given_up={"state": ImportState.FAILED.value},
    )


PREVIEWS = _queue("import_previews", ImportState.UPLOADED, ImportState.PREVIEWING)
IMPORTS = _queue("imports", ImportState.QUEUED, ImportState.RUNNING)


class _Stopped(Exception):
    """The worker is stopping: give the file back."""


class _LostClaim(Exception):
    """Another worker took the file over after the lease: leave it to that one."""


class _Progress:
    """Writes ``done`` of ``total`` to the job's row, at most every half second, and renews the lease."""

    def __init__(self, job: ImportJob, worker_id: str, stop: asyncio.Event | None) -> None:
        self.job, self.worker_id, self.stop = job, worker_id, stop
        self.written = 0.0
        self.done = self.total = 0

    async def __call__(self, done: int, total: int) -> None:
        if self.stop is not None and self.stop.is_set():
            raise _Stopped
        self.done, self.total = done, total
        if done < total and time.monotonic() - self.written < PROGRESS_EVERY:
            return
        self.written = time.monotonic()
        held = ImportJob.filter(id=self.job.id, claimed_by=self.worker_id)
        if not await held.update(done=done, total=total, claimed_at=datetime.now(UTC)):
            raise _LostClaim


async def _run(settings: Settings, job: ImportJob, progress: _Progress, *, dry_run: bool) -> Report:
    """The file read by the command line's import function, for real or as a dry run."""
    options, path = ImportOptions.of(job), file_of(settings, job)
    if job.kind == ImportKind.ORDERS:
        try:
            orders = await import_orders(
                settings, path, strict=options.strict, dry_run=dry_run, progress=progress
            )
        except ImportAborted as error:
            if not dry_run:
                raise
            layout = read_orders(path).layout.name
            return Report.aborted_at(error.problem.line, error.problem.reason, layout)
        if not dry_run and (orders.created or orders.updated):
            await request_history_rebuild(f"orders import: {orders.created + orders.updated} orders")
        return Report.of_orders(orders)
    reviews = await import_reviews(
        settings,
        path,
        options.format_name,
        dry_run=dry_run,
        progress=progress,
        date_order=options.date_order,
        column_map=options.column_map,
    )
    return Report.of_reviews(reviews)


def _reason(error: Exception, settings: Settings, job: ImportJob) -> str:
    """The reader's message with the name the admin uploaded, never the stored file's path."""
    message = str(error).replace(str(file_of(settings, job)), job.original_name)
    if isinstance(error, ImportAborted):
        message = f"{job.original_name}:{error.problem.line}: {error.problem.reason}. Nothing was imported."
    return message[:2000]


async def _work(
    settings: Settings,
    queue: Queue[ImportJob],
    job: ImportJob,
    worker_id: str,
    stop: asyncio.Event | None,
) -> int:
    dry_run = queue is PREVIEWS
    progress = _Progress(job, worker_id, stop)
    if not dry_run:
        await ImportJob.filter(id=job.id).update(started_at=datetime.now(UTC))
    try:
        report = await _run(settings, job, progress, dry_run=dry_run)
    except _Stopped:
        await queue.release([job])
        return 0
    except _LostClaim:
        return 0
    except (CsvFileError, ReviewFileError, ImportAborted) as error:
        await queue.finish(
            job,
            worker_id,
            state=ImportState.FAILED.value,
            failure=_reason(error, settings, job),
            finished_at=datetime.now(UTC),
        )
        remove_file(settings, job)
        return 1
    # A dry run's own writes were rolled back with it: the last figures are set here.
    finished: dict[str, Any] = {
        "done": progress.done,
        "total": progress.total,
        "attempts": 0,
        "last_error": "",
    }
    if dry_run:
        finished.update(
            state=ImportState.PREVIEWED.value,
            preview=report.as_dict(),
            format_name=report.format_name,
            previewed_at=datetime.now(UTC),
        )
    else:
        finished.update(state=ImportState.DONE.value, finished_at=datetime.now(UTC), **report.columns())
    await queue.finish(job, worker_id, **finished)
    if not dry_run:
        remove_file(settings, job)
    return 1


async def run_imports(
    settings: Settings, now: datetime, worker_id: str = WORKER_ID, stop: asyncio.Event | None = None
) -> int:
    """Worker job: one dry run and one import per pass, each from the oldest file waiting."""
    done = 0
    for queue in (PREVIEWS, IMPORTS):

        async def handle(job: ImportJob, queue: Queue[ImportJob] = queue) -> int:
            return await _work(settings, queue, job, worker_id, stop)

        done += await queue.work(worker_id, now, 1, handle)
    return done
