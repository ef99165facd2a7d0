"""Imports from the admin: an uploaded orders or reviews file, previewed and imported by the worker.

The web process only streams the upload into the data folder (``imports/``, 0700, the
file 0600 under a random name), reads its header to refuse a file that cannot be
imported (empty, binary, wrong header, unknown format) and records an `ImportJob`.
Everything that reads the whole file runs in the worker (`hub.transfer.jobs`): the dry
run that the preview shows, then, once an admin confirms, the import itself, with the
very functions that ``feedback-hub import orders|reviews`` runs (`import_orders`,
`import_reviews`). The file is deleted when the job is over; its report stays.
"""

from __future__ import annotations

import csv
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile

from hub.config import Settings
from hub.files import create_private, private_dir
from hub.orders.csv_import import CsvFileError, ImportSummary, read_orders
from hub.staff.accounts import audit
from hub.staff.models import StaffUser
from hub.transfer.cells import DateOrder
from hub.transfer.formats import FORMATS as REVIEW_FORMATS
from hub.transfer.models import MAX_ERRORS, ImportJob, ImportKind, ImportState
from hub.transfer.review_rows import ReviewFileError
from hub.transfer.reviews_import import ReviewImportSummary, reader_for
from hub.web.errors import FieldError, InvalidInput
from hub.web.params import Values, choice, flag, text

FOLDER = "imports"
CHUNK = 1024 * 1024  # bytes copied from the upload to the data folder at a time
SNIFF = 64 * 1024  # bytes looked at to tell a text file from a binary one
CSV_SUFFIXES = (".csv", ".txt")
MAX_MAP_LINES = 40


@dataclass(frozen=True)
class ImportOptions:
    """What the upload form asks: the kind of file and the options of its command."""

    kind: str
    format_name: str | None = None
    date_order: str | None = None
    column_map: tuple[str, ...] = ()
    strict: bool = False

    def as_dict(self) -> dict[str, Any]:
        if self.kind == ImportKind.ORDERS:
            return {"strict": self.strict}
        return {"format": self.format_name, "date_order": self.date_order, "map": list(self.column_map)}

    @classmethod
    def of(cls, job: ImportJob) -> ImportOptions:
        saved = job.options
        return cls(
            kind=job.kind,
            format_name=saved.get("format") or None,
            date_order=saved.get("date_order") or None,
            column_map=tuple(saved.get("map") or ()),
            strict=bool(saved.get("strict")),
        )


def read_options(form: Mapping[str, Any]) -> ImportOptions:
    """The upload form's options, each checked; `InvalidInput` names every bad field."""
    values = Values(form)
    kind = values.read(choice, "kind", [k.value for k in ImportKind], required=True)
    format_name = values.read(choice, "format", list(REVIEW_FORMATS))
    date_order = values.read(choice, "date_order", [order.value for order in DateOrder])
    mapping = values.read(text, "map", max_length=4000)
    strict = values.read(flag, "strict")
    lines = tuple(line.strip() for line in mapping.splitlines() if line.strip())
    if len(lines) > MAX_MAP_LINES:
        values.fail("map", f"must be at most {MAX_MAP_LINES} lines")
    values.check()
    assert kind is not None
    return ImportOptions(kind, format_name, date_order, lines, strict)


def imports_folder(settings: Settings) -> Path:
    return private_dir(settings.data_dir / FOLDER)


def file_of(settings: Settings, job: ImportJob) -> Path:
    return imports_folder(settings) / job.stored_name


def remove_file(settings: Settings, job: ImportJob) -> None:
    file_of(settings, job).unlink(missing_ok=True)


def _shown(error: Exception, path: Path, name: str) -> str:
    """The reader's message about ``path`` with the name the admin knows, not the stored file's."""
    message = str(error).replace(str(path), name)
    return message.removeprefix(f"{name}: ")


async def _copy(upload: UploadFile, path: Path) -> int:
    size = 0
    with create_private(path) as out:
        while piece := await upload.read(CHUNK):
            out.write(piece)
            size += len(piece)
    return size


def _has_a_row(path: Path) -> bool:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        rows = csv.reader(handle)
        try:
            next(rows, None)
            return any(any(cell.strip() for cell in row) for row in rows)
        except csv.Error:
            return True  # the dry run names the line


def check_file(path: Path, options: ImportOptions, name: str) -> None:
    """Refuse, before anything is queued, a file the import could not read at all."""
    with path.open("rb") as handle:
        start = handle.read(SNIFF)
    if not start.strip():
        raise InvalidInput.one("file", "is empty")
    if b"\x00" in start:
        raise InvalidInput.one("file", "is not a CSV file (it holds binary data; export it as CSV)")
    try:
        if options.kind == ImportKind.ORDERS:
            read_orders(path)
        else:
            order = DateOrder(options.date_order) if options.date_order else None
            reader_for(path, options.format_name, options.column_map, order)
    except (CsvFileError, ReviewFileError) as error:
        raise InvalidInput.one("file", _shown(error, path, name)) from None
    except csv.Error as error:  # a header line past the csv module's field limit, say
        raise InvalidInput.one("file", f"is not a CSV file the hub can read ({error})") from None
    if not _has_a_row(path):
        raise InvalidInput.one("file", "has a header but no rows")


async def store_upload(
    settings: Settings, upload: object, options: ImportOptions, by: StaffUser | None, now: datetime
) -> ImportJob:
    """Stream ``upload`` to the data folder, check it and queue its dry run; nothing stays if bad."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput.one("file", "is required")
    name = Path(upload.filename.replace("\\", "/")).name[:255]
    if not name.lower().endswith(CSV_SUFFIXES):
        raise InvalidInput.one("file", "must be a CSV file (.csv)")
    stored = f"{secrets.token_hex(16)}.csv"
    path = imports_folder(settings) / stored
    try:
        size = await _copy(upload, path)
        check_file(path, options, name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    job = await ImportJob.create(
        kind=options.kind,
        options=options.as_dict(),
        stored_name=stored,
        original_name=name,
        size_bytes=size,
        uploaded_by=by,
        next_attempt_at=now,
    )
    await audit(by, "import.upload", "import", job.id, kind=options.kind, bytes=size)
    return job


class ImportRefused(InvalidInput):
    """The job is not in a state for this action."""


async def confirm_import(job: ImportJob, by: StaffUser | None, now: datetime) -> None:
    """Queue the import of a previewed file for the worker."""
    taken = job.can_confirm and await ImportJob.filter(id=job.id, state=ImportState.PREVIEWED.value).update(
        state=ImportState.QUEUED.value, confirmed_at=now, next_attempt_at=now, done=0, total=0
    )
    if not taken:
        raise ImportRefused(FieldError("import", "is not waiting for a confirmation"), status=409)
    await audit(by, "import.confirm", "import", job.id, kind=job.kind)


async def discard_import(settings: Settings, job: ImportJob, by: StaffUser | None, now: datetime) -> None:
    """Drop a file that was not confirmed: its row says so, the file is deleted."""
    waiting = [ImportState.UPLOADED.value, ImportState.PREVIEWED.value]
    taken = await ImportJob.filter(id=job.id, state__in=waiting, claimed_by=None).update(
        state=ImportState.DISCARDED.value, finished_at=now
    )
    if not taken:
        raise ImportRefused(FieldError("import", "cannot be discarded now"), status=409)
    remove_file(settings, job)
    await audit(by, "import.discard", "import", job.id, kind=job.kind)


@dataclass
class Report:
    """What a dry run or an import did: the counts, the first bad rows, why rows were skipped."""

    format_name: str = ""
    created: int = 0
    updated: int = 0
    skipped: int = 0
    invalid: int = 0
    errors: list[list[Any]] = field(default_factory=list)
    skip_reasons: dict[str, int] = field(default_factory=dict)
    aborted: bool = False

    @classmethod
    def of_orders(cls, summary: ImportSummary) -> Report:
        problems = summary.problems
        return cls(
            format_name=summary.layout,
            created=summary.created,
            updated=summary.updated,
            skipped=summary.skipped,
            invalid=len(problems),
            errors=[[p.line, p.reason] for p in problems[:MAX_ERRORS]],
        )

    @classmethod
    def of_reviews(cls, summary: ReviewImportSummary) -> Report:
        problems = summary.problems
        reasons = Counter(o.reason for o in summary.outcomes if o.action == "skipped")
        return cls(
            format_name=summary.format_name,
            created=summary.count("created"),
            skipped=summary.count("skipped"),
            invalid=len(problems),
            errors=[[p.line, p.reason] for p in problems[:MAX_ERRORS]],
            skip_reasons=dict(sorted(reasons.items())),
        )

    @classmethod
    def aborted_at(cls, line: int, reason: str, format_name: str) -> Report:
        return cls(format_name=format_name, invalid=1, errors=[[line, reason]], aborted=True)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format_name,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "invalid": self.invalid,
            "errors": self.errors,
            "skip_reasons": self.skip_reasons,
            "aborted": self.aborted,
        }

    def columns(self) -> dict[str, Any]:
        """The report as the job's own columns."""
        return {
            "format_name": self.format_name,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "invalid": self.invalid,
            "errors": self.errors,
        }


def format_label(job: ImportJob) -> str:
    if job.kind == ImportKind.ORDERS:
        return {"shopify": "Shopify orders export", "hub": "the hub's order columns"}.get(job.format_name, "")
    fmt = REVIEW_FORMATS.get(job.format_name)
    return fmt.label if fmt else ""
