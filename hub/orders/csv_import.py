"""Orders from a CSV file, one row per order line: the hub's own columns or Shopify's
orders export, told apart by the header (columns in docs/import.md).

The file is read as a stream: the rows of one order follow each other (its first row,
then its continuation rows), so an order is complete when the next one starts, and only
that order is held in memory with the batch being stored.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tortoise.transactions import in_transaction

from hub.catalog.models import Order
from hub.catalog.schema import InvalidOrder, OrderIn, parse_order
from hub.config import Settings
from hub.orders.csv_formats import Layout, Row, cell, layout_of, status_refusal
from hub.orders.ingest import chunks, ingest_orders, refresh_statistics
from hub.progress import Progress, tell

IMPORT_CHUNK = 500
UNDECODED = re.compile("[\udc80-\udcff]")
NOT_UTF8 = "is not UTF-8 text (save the file as CSV UTF-8)"


class CsvFileError(ValueError):
    """The file as a whole cannot be read as an order CSV."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


class ImportAborted(Exception):
    def __init__(self, problem: RowProblem) -> None:
        super().__init__(f"line {problem.line}: {problem.reason}")
        self.problem = problem


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do): orders created, updated, skipped.

    ``skipped`` counts the orders left out for a bad row; ``problems`` lists the bad rows.
    """

    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    layout: str = ""


@dataclass
class _Group:
    """The rows of one order, with the line each starts on."""

    key: str
    rows: list[Row] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    conflict: RowProblem | None = None


@dataclass
class OrderFile:
    """An order CSV read as it is iterated: good orders come out, bad rows go to ``problems``.

    An order with a bad row is left out whole (counted in ``skipped``); with ``strict`` the
    first bad row raises ``ImportAborted``.
    """

    path: Path
    layout: Layout
    strict: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    skipped: int = 0

    def __iter__(self) -> Iterator[OrderIn]:
        for group in self._groups():
            order = self._order(group)
            if order is not None:
                yield order

    def payloads(self) -> Iterator[tuple[_Group, dict[str, Any]]]:
        """Each order's rows and the payload the orders API would be sent for it."""
        for group in self._groups():
            yield group, self.layout.payload(group.rows)

    def _groups(self) -> Iterator[_Group]:
        ended: dict[str, int] = {}  # order key -> its first line, for orders already read
        group: _Group | None = None
        for line, row in _rows(self.path):
            key = cell(row, self.layout.key) or ""
            if group is not None and key == group.key:
                group.rows.append(row)
                group.lines.append(line)
                group.conflict = group.conflict or self._conflict(row, line, group)
                if not_utf8(row.values()):
                    group.conflict = group.conflict or RowProblem(line, NOT_UTF8)
                continue
            if group is not None:
                ended[group.key] = group.lines[0]
                yield group
            group = _Group(key, [row], [line])
            if not_utf8(row.values()):
                group.conflict = group.conflict or RowProblem(line, NOT_UTF8)
            if key in ended:
                reason = (
                    f"order {key} started at line {ended[key]}; the rows of an order must follow each other"
                )
                group.conflict = RowProblem(line, reason)
        if group is not None:
            yield group

    def _conflict(self, row: Row, line: int, group: _Group) -> RowProblem | None:
        """A continuation row may repeat its order's first-row columns, not change them."""
        first = group.rows[0]
        for column in self.layout.starts:
            value = cell(row, column)
            if value and value != cell(first, column):
                reason = f"{column} differs from the first row of order {group.key} (line {group.lines[0]})"
                return RowProblem(line, reason)
        return None

    def _order(self, group: _Group) -> OrderIn | None:
        first = group.rows[0]
        if not group.key:
            return self._refuse(group, group.lines[0], f"{self.layout.key} is required")
        if group.conflict:
            return self._refuse(group, group.conflict.line, group.conflict.reason)
        if not any(cell(first, column) for column in self.layout.starts):
            reason = f"continues order {group.key}, but no row above starts it (its order columns are empty)"
            return self._refuse(group, group.lines[0], reason)
        refusal = status_refusal(self.layout, first)
        if refusal:
            return self._refuse(group, group.lines[0], refusal)
        try:
            source, _id = self.layout.source_of(first)
            return parse_order(self.layout.payload(group.rows), source)
        except InvalidOrder as error:
            return self._refuse_each(group, error)

    def _refuse_each(self, group: _Group, error: InvalidOrder) -> OrderIn | None:
        by_line: dict[int, list[str]] = {}
        for problem in error.errors:
            line = _line_of(problem.path, group.lines)
            by_line.setdefault(line, []).append(f"{self.layout.column_of(problem.path)} {problem.reason}")
        self.skipped += 1
        for line in sorted(by_line):
            self._report(RowProblem(line, "; ".join(by_line[line])))
        return None

    def _refuse(self, group: _Group, line: int, reason: str) -> OrderIn | None:
        self.skipped += 1
        self._report(RowProblem(line, reason))
        return None

    def _report(self, problem: RowProblem) -> None:
        if self.strict:
            raise ImportAborted(problem)
        self.problems.append(problem)


def _line_of(path: str, lines: list[int]) -> int:
    parts = path.split("/")
    if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(lines):
        return lines[int(parts[1])]
    return lines[0]


def _open(path: Path) -> TextIO:
    # Bytes that are not UTF-8 are kept as surrogates, so that their row alone is refused.
    return path.open(newline="", encoding="utf-8-sig", errors="surrogateescape")


def _rows(path: Path) -> Iterator[tuple[int, Row]]:
    with _open(path) as handle:
        reader = csv.DictReader(handle)
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as error:
            # The rest of the file cannot be read; the orders before this line are kept.
            raise CsvFileError(f"{path}:{reader.line_num}: {error}") from None


def not_utf8(values: Iterable[Any]) -> bool:
    """Whether a value (or one of a row's surplus cells, which csv lists) held bytes that are not UTF-8."""
    for value in values:
        cells = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and UNDECODED.search(text) for text in cells):
            return True
    return False


def _header(path: Path) -> list[str]:
    with _open(path) as handle:
        header = next(csv.reader(handle), [])
    if not_utf8(header):
        raise CsvFileError(f"{path}: is not UTF-8 text (save it as CSV UTF-8)")
    return header


def read_orders(path: Path, strict: bool = False) -> OrderFile:
    """The file's orders, read as they are iterated; its layout is told by its header."""
    header = _header(path)
    layout = layout_of(header)
    missing = [name for name in layout.required if name not in header]
    if missing:
        raise CsvFileError(f"{path}: missing columns: {', '.join(missing)}")
    return OrderFile(path, layout, strict)


def count_orders(path: Path) -> int:
    """How many orders the file holds (runs of one order key), up to any unreadable part."""
    layout, count, previous = layout_of(_header(path)), 0, None
    with suppress(CsvFileError):  # the import itself reports it, after the orders before it
        for _line, row in _rows(path):
            key = cell(row, layout.key)
            count += key != previous
            previous = key
    return count


async def import_orders(
    settings: Settings,
    path: Path,
    *,
    strict: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import ``path`` in batches; with ``strict`` the first bad row aborts and nothing is stored.

    A dry run reads the file the same way and stores nothing: an order is counted as
    created or updated by whether the hub already holds it.
    """
    orders = read_orders(path, strict)
    total = count_orders(path) if progress else 0
    summary = ImportSummary(problems=orders.problems, dry_run=dry_run, layout=orders.layout.name)
    store = _count_existing if dry_run else _ingest
    transaction: AbstractAsyncContextManager[Any] = (
        in_transaction() if strict and not dry_run else nullcontext()
    )
    async with transaction:
        batch: list[OrderIn] = []
        try:
            for order in orders:
                batch.append(order)
                if len(batch) == IMPORT_CHUNK:
                    await _store(settings, store, batch, summary, orders, total, progress)
        except CsvFileError:
            if not strict:  # the orders read before the unreadable part are kept
                await _store(settings, store, batch, summary, orders, total, progress)
            raise
        await _store(settings, store, batch, summary, orders, total, progress)
    summary.skipped = orders.skipped
    return summary


Store = Callable[[Settings, list[OrderIn]], Awaitable[tuple[int, int]]]


async def _ingest(settings: Settings, batch: list[OrderIn]) -> tuple[int, int]:
    """(created, updated): the batch stored through the one ingestion service."""
    outcomes = await ingest_orders(settings, batch)
    created = sum(outcome.created for outcome in outcomes)
    return created, len(outcomes) - created


async def _count_existing(settings: Settings, batch: list[OrderIn]) -> tuple[int, int]:
    """(created, updated) that storing the batch would give, read-only."""
    held = 0
    for source in {order.source for order in batch}:
        ids = [order.external_id for order in batch if order.source == source]
        for part in chunks(ids):
            held += await Order.filter(source=source, external_id__in=list(part)).count()
    return len(batch) - held, held


# A large import refreshes the planner's statistics this often: tables filled in one go are
# otherwise planned as the empty tables they were, and every batch's lookups turn into full
# scans (on PostgreSQL an import of 25,000 orders fell from 1,340 to 620 orders/s without).
ANALYSE_EVERY = 5000


async def _store(
    settings: Settings,
    store: Store,
    batch: list[OrderIn],
    summary: ImportSummary,
    orders: OrderFile,
    total: int,
    progress: Progress | None,
) -> None:
    if batch:
        stored_before = summary.created + summary.updated
        created, updated = await store(settings, batch)
        summary.created += created
        summary.updated += updated
        if (
            store is _ingest
            and (summary.created + summary.updated) // ANALYSE_EVERY > stored_before // ANALYSE_EVERY
        ):
            await refresh_statistics()
    batch.clear()
    done = summary.created + summary.updated + orders.skipped
    await tell(progress, min(done, total), total)
