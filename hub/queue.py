"""One way for background jobs to claim work, retry it, and take back what a dead worker held.

A ``Queue`` is the rows of one model that one job works through. Every claim is the same
conditional UPDATE of rows that are due and unclaimed; on PostgreSQL the candidates are
first picked ``FOR UPDATE SKIP LOCKED``, so that two workers take different rows instead
of waiting for each other. Only the worker whose update changed a row holds it.

There are two kinds of claim, chosen by what the work touches:

1. Work that leaves the database (an SMTP transaction, an HTTP call) or spans several
   transactions holds a *lease*: ``claim`` commits ``claimed_by`` and ``claimed_at`` first,
   and ``recover`` gives back the claims older than ``lease``, so a worker killed mid-job
   leaves nothing behind. Where doing the work twice would be worse than not at all (a
   mail), the job stamps a ``started`` column just before the unrepeatable part; a stale
   claim that had started is given up for a person to look at, never done again.
2. Work that only writes to the database runs in ``each_in_transaction``: a row's claim
   (its row lock, and its ``mark`` column set) and the job's writes commit together or
   not at all.

A failed try is retried after a back-off and given up after ``RetryPolicy.max_attempts``.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from hub.logredact import describe

log = logging.getLogger("hub.worker")

M = TypeVar("M", bound=Model)
Row = TypeVar("Row")


def make_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


WORKER_ID = make_worker_id()


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off after a failed try: 1, 2, 4 … minutes, at most six hours; give up after 8."""

    max_attempts: int = 8
    first_retry: timedelta = timedelta(minutes=1)
    longest_retry: timedelta = timedelta(hours=6)

    def delay(self, attempts: int) -> timedelta:
        return min(self.first_retry * 2 ** max(attempts - 1, 0), self.longest_retry)

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


RETRY = RetryPolicy()


@dataclass(frozen=True)
class Recovered:
    released: int
    given_up: int


@dataclass(frozen=True)
class Queue(Generic[M]):
    """The rows of ``model`` that ``due(now)`` selects, claimed by one worker at a time.

    A leased queue's model has ``claimed_by`` and ``claimed_at``; one that retries has
    ``attempts``, ``next_attempt_at`` (which ``due`` should test) and ``last_error``.
    ``claimed``, ``released`` and ``given_up`` are the other values (a status) that a
    claim, a release and giving up set. A transactional queue names its ``mark`` column.
    """

    name: str
    model: type[M]
    due: Callable[[datetime], Q]
    order_by: tuple[str, ...] = ("id",)
    lease: timedelta = timedelta(minutes=10)
    claimed: Mapping[str, Any] = field(default_factory=dict)
    released: Mapping[str, Any] = field(default_factory=dict)
    given_up: Mapping[str, Any] = field(default_factory=dict)
    started: str | None = None
    started_lease: timedelta | None = None
    mark: str | None = None
    retry: RetryPolicy = RETRY

    # Claiming

    async def claim(self, worker_id: str, now: datetime, limit: int) -> list[M]:
        """Take up to ``limit`` due rows for ``worker_id``, committed; the rows it took."""
        values = {"claimed_by": worker_id, "claimed_at": now, **self.claimed}
        if self.started:
            values[self.started] = None
        async with in_transaction() as connection:
            ids = await self._take(connection, self.due(now) & Q(claimed_by=None), limit, values)
        if not ids:
            return []
        return await self.model.filter(id__in=ids, claimed_by=worker_id).order_by("id")

    async def _take(
        self, connection: BaseDBAsyncClient, where: Q, limit: int, values: Mapping[str, Any]
    ) -> list[Any]:
        # values_list() drops FOR UPDATE in Tortoise 1.1.9; only() keeps it.
        candidates = await (
            self.model.filter(where)
            .order_by(*self.order_by)
            .limit(limit)
            .select_for_update(skip_locked=True)
            .using_db(connection)
            .only("id")
        )
        ids = [row.pk for row in candidates]
        if not ids or not values:  # no values: the row lock alone is the claim
            return ids
        taken = await self.model.filter(where, id__in=ids).using_db(connection).update(**values)
        return ids if taken else []

    async def start(self, rows: Sequence[M], worker_id: str, now: datetime) -> list[M]:
        """Stamp ``started`` on the rows ``worker_id`` still holds; those rows."""
        assert self.started, f"queue {self.name} has no started column"
        ids = [row.pk for row in rows]
        held = self.model.filter(id__in=ids, claimed_by=worker_id, **self.claimed)
        await held.filter(**{self.started: None}).update(**{self.started: now})
        still = set(await held.filter(**{self.started: now}).values_list("id", flat=True))
        return [row for row in rows if row.pk in still]

    # Settling a claimed row

    def _unclaimed(self) -> dict[str, Any]:
        return {"claimed_by": None, "claimed_at": None}

    def _held(self, row: M, worker_id: str | None) -> Any:
        held = self.model.filter(id=row.pk)
        return held if worker_id is None else held.filter(claimed_by=worker_id)

    async def finish(self, row: M, worker_id: str | None = None, **changes: Any) -> bool:
        """Record the work done and end the claim; False if ``worker_id`` no longer held it."""
        return await self._held(row, worker_id).update(**self._unclaimed(), **changes) > 0

    async def release(self, rows: Iterable[M]) -> int:
        """Give back claimed rows that were never worked on, untouched."""
        ids = [row.pk for row in rows]
        held = self.model.filter(id__in=ids, claimed_by__isnull=False, **self.claimed)
        unstarted = {self.started: None} if self.started else {}
        return await held.update(**self._unclaimed(), **unstarted, **self.released)

    async def retry_later(self, row: M, now: datetime, error: str, worker_id: str | None = None) -> bool:
        """Count a failed try: due again after the back-off, or given up; False when given up."""
        attempts = int(row.attempts) + 1  # type: ignore[attr-defined]
        if self.retry.gives_up(attempts):
            await self.give_up(
                row, f"gave up after {attempts} attempts: {error}", worker_id, attempts=attempts
            )
            return False
        await self._held(row, worker_id).update(
            **self._unclaimed(),
            **self.released,
            attempts=attempts,
            last_error=error[:2000],
            next_attempt_at=now + self.retry.delay(attempts),
        )
        return True

    async def give_up(self, row: M, error: str, worker_id: str | None = None, **changes: Any) -> None:
        changes.setdefault("attempts", int(row.attempts) + 1)  # type: ignore[attr-defined]
        await self._held(row, worker_id).update(
            **self._unclaimed(), **self.given_up, last_error=error[:2000], **changes
        )

    # Claims of a worker that stopped

    async def recover(self, now: datetime, stopped_error: str = "unknown: worker stopped") -> Recovered:
        """Release the claims older than the lease; give up those whose unrepeatable part started."""
        stale = self.model.filter(claimed_at__lt=now - self.lease, **self.claimed)
        if self.started:
            stale = stale.filter(**{self.started: None})
        released = await stale.update(**self._unclaimed(), **self.released)
        given_up = 0
        if self.started:
            started_before = now - (self.started_lease or self.lease)
            given_up = await self.model.filter(
                **{f"{self.started}__lt": started_before}, **self.claimed
            ).update(**self.given_up, last_error=stopped_error)
        if released or given_up:
            log.warning(
                "worker: %s took back claims of a stopped worker: %d released, %d given up",
                self.name,
                released,
                given_up,
            )
        return Recovered(released, given_up)

    # The usual loops

    async def work(
        self, worker_id: str, now: datetime, limit: int, handle: Callable[[M], Awaitable[int]]
    ) -> int:
        """Recover, claim a batch, ``handle`` each row; a row that raises is retried later."""
        await self.recover(now)
        done = 0
        for row in await self.claim(worker_id, now, limit):
            try:
                done += await handle(row)
            except Exception as error:
                log.warning("worker: %s will retry %s: %s", self.name, _row_id(row), describe(error))
                await self.retry_later(row, now, describe(error), worker_id)
        return done

    async def each_in_transaction(
        self, now: datetime, limit: int, handle: Callable[[M], Awaitable[int]]
    ) -> int:
        """Claim each due row and ``handle`` it in one transaction; a failure rolls both back.

        The claim sets the ``mark`` column; a queue without one holds the row lock alone
        (PostgreSQL), and ``due`` must then stop selecting a row that was handled. A row
        that failed is tried again on the next pass (``due`` still selects it).
        """
        marks = {self.mark: now} if self.mark else {}
        ids = (
            await self.model.filter(self.due(now))
            .order_by(*self.order_by)
            .limit(limit)
            .values_list("id", flat=True)
        )

        async def claim_and_handle(row_id: Any) -> int:
            async with in_transaction() as connection:
                taken = await self._take(connection, self.due(now) & Q(id=row_id), 1, marks)
                if not taken:
                    return 0  # another worker has it
                return await handle(await self.model.filter(id=row_id).using_db(connection).get())

        return await each_row(self.name, ids, claim_and_handle)


async def each_row(job: str, rows: Iterable[Row], work: Callable[[Row], Awaitable[int]]) -> int:
    """Run ``work`` on each row of a batch and add up what it did; a row that fails is skipped.

    The skip is logged with the row's id and the error's type and place, never its message
    or the row's text (a database error quotes the values it refused), and the rest of the
    batch goes on.
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
