"""Reviews from another review app's CSV export, through the one moderation pipeline.

Each row becomes a review with `source="import"` and an `import_key`, so that a
second run skips what the first one stored. Bad rows are reported by the line
where they start and do not stop the others. A dry run does all the work inside
one transaction and rolls it back.
"""

from __future__ import annotations

import csv
import hashlib
import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tortoise.transactions import in_transaction

from hub.catalog.models import Customer, Product
from hub.config import Settings
from hub.intake.submit import SubmissionError, submit_review
from hub.photos.fetch import queue_photo_fetches
from hub.photos.models import PhotoStatus
from hub.reviews.aggregates import refresh_rating
from hub.reviews.models import Reply, Review, ReviewSource, ReviewStatus
from hub.transfer.formats import (
    FIELDS,
    FORMATS,
    SourceFormat,
    parse_date,
    parse_rating,
    photo_urls,
    truthy,
    web_link,
)

ALREADY_IMPORTED = "already imported"
UNPUBLISHED_AT_SOURCE = "unpublished_at_source"


class ReviewFileError(ValueError):
    """The file as a whole cannot be read in the chosen format."""


class _RollBack(Exception):
    """Raised at the end of a dry run so that its transaction stores nothing."""


@dataclass(frozen=True)
class ImportedReview:
    line: int
    key: str
    product_id: str
    product_name: str
    product_url: str
    rating: int
    title: str
    body: str
    reviewer_name: str
    reviewer_email: str
    submitted_at: datetime
    verified: bool
    published: bool | None
    reply: str
    photo_urls: list[str]
    reply_public: bool = True


@dataclass(frozen=True)
class RowOutcome:
    line: int
    action: str  # created, skipped or bad
    reason: str = ""


@dataclass
class ReviewImportSummary:
    dry_run: bool = False
    outcomes: list[RowOutcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)

    @property
    def problems(self) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "bad"]


def source_format(name: str) -> SourceFormat:
    if name not in FORMATS:
        raise ReviewFileError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    return FORMATS[name]


def _records(path: Path) -> Iterator[tuple[int, list[str], dict[str, str]]]:
    """(first line of the record, header, row): a quoted body may span lines."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        start = reader.line_num + 1
        for row in reader:
            yield start, header, {key: value or "" for key, value in row.items() if key}
            start = reader.line_num + 1


def read_rows(path: Path, fmt: SourceFormat) -> list[tuple[int, dict[str, str]]]:
    rows = list(_records(path))
    header = rows[0][1] if rows else _header(path)
    if missing := fmt.missing(header):
        raise ReviewFileError(f"{path}: missing columns for {fmt.name}: {', '.join(missing)}")
    return [(line, row) for line, _header_row, row in rows]


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def import_key(
    fmt: SourceFormat, external_id: str, product_id: str, email: str, submitted_at: datetime, body: str
) -> str:
    """``format:review id``, or a stable hash of what identifies a review without one."""
    if external_id:
        return f"{fmt.name}:{external_id}"[:128]
    identity = "\x1f".join((product_id, email.lower(), submitted_at.isoformat(), body))
    return f"{fmt.name}:sha256:{hashlib.sha256(identity.encode()).hexdigest()[:40]}"


# Review text and names go through the pipeline, which reads them as HTML; these don't.
ESCAPED_FIELDS = ("product_name", "reply")


class StoreReview(ValueError):
    """A row about the store itself: the hub keeps reviews of products."""


def _cells(fmt: SourceFormat, row: dict[str, str]) -> dict[str, str]:
    header = list(row)
    cells = {name: row[column].strip() if (column := fmt.column_for(name, header)) else "" for name in FIELDS}
    if fmt.escaped_if_column in header:
        cells.update({name: html.unescape(cells[name]).strip() for name in ESCAPED_FIELDS})
    if fmt.column_for("verified", header) is None and cells["order_id"]:
        cells["verified"] = "true"  # no verified column: the order proves the purchase
    return cells


def parse_row(fmt: SourceFormat, line: int, row: dict[str, str]) -> ImportedReview:
    """One row as a review to import; `ValueError` names what is wrong with it."""
    cell = _cells(fmt, row)
    if cell["kind"] in fmt.store_kinds:
        raise StoreReview("a review of the store, not of a product")
    if not cell["product_id"]:
        raise ValueError("product id is empty")
    submitted_at = parse_date(cell["created_at"]) if cell["created_at"] else None
    if submitted_at is None:
        raise ValueError("date is empty")
    email = cell["reviewer_email"].lower()
    if email and "@" not in email:
        raise ValueError(f"reviewer email {email!r} is not an email address")
    return ImportedReview(
        line=line,
        key=import_key(fmt, cell["external_id"], cell["product_id"], email, submitted_at, cell["body"]),
        product_id=cell["product_id"][:64],
        product_name=cell["product_name"] or cell["product_id"],
        product_url=web_link("product url", cell["product_url"])[:1000],
        rating=parse_rating(cell["rating"]),
        title=cell["title"],
        body=cell["body"],
        reviewer_name=cell["reviewer_name"],
        reviewer_email=email,
        submitted_at=submitted_at,
        verified=truthy(cell["verified"]),
        published=truthy(cell["published"]) if cell["published"] else None,
        reply=cell["reply"],
        photo_urls=photo_urls(cell["photo_urls"]),
        reply_public=truthy(cell["reply_public"]) if cell["reply_public"] else True,
    )


async def _product(item: ImportedReview) -> Product:
    product, _ = await Product.get_or_create(
        external_id=item.product_id, defaults={"name": item.product_name[:255], "url": item.product_url}
    )
    return product


async def _customer(item: ImportedReview) -> Customer | None:
    if not item.reviewer_email:
        return None
    customer, _ = await Customer.get_or_create(
        email=item.reviewer_email[:254], defaults={"name": item.reviewer_name[:200]}
    )
    return customer


async def _add_extras(review: Review, item: ImportedReview, customer: Customer | None) -> None:
    """The public reply, the photo links and the state the source gave the review."""
    if item.reply:
        await Reply.create(review=review, body=item.reply, is_public=item.reply_public)
    status = PhotoStatus.APPROVED if item.published else PhotoStatus.PENDING
    await queue_photo_fetches(review, customer, item.photo_urls, status, datetime.now(UTC))
    if item.published is False and review.is_public:
        review.status, review.status_reason = ReviewStatus.PENDING.value, UNPUBLISHED_AT_SOURCE
        review.published_at = None
    await review.save(update_fields=["status", "status_reason", "published_at"])
    await refresh_rating(review.product_id)


async def import_one(settings: Settings, item: ImportedReview) -> RowOutcome:
    if await Review.exists(import_key=item.key):
        return RowOutcome(item.line, "skipped", ALREADY_IMPORTED)
    product, customer = await _product(item), await _customer(item)
    result = await submit_review(
        settings,
        product=product,
        rating=item.rating,
        title=item.title,
        body=item.body,
        display_name=item.reviewer_name,
        customer=customer,
        source=ReviewSource.IMPORT.value,
        verified_buyer=item.verified,
        submitted_at=item.submitted_at,
        import_key=item.key,
    )
    if not result.created:
        return RowOutcome(item.line, "skipped", ALREADY_IMPORTED)
    await _add_extras(result.review, item, customer)
    return RowOutcome(item.line, "created", result.review.status)


async def _import_row(settings: Settings, fmt: SourceFormat, line: int, row: dict[str, str]) -> RowOutcome:
    try:
        item = parse_row(fmt, line, row)
        async with in_transaction():
            return await import_one(settings, item)
    except StoreReview as error:
        return RowOutcome(line, "skipped", str(error))
    except SubmissionError as error:
        return RowOutcome(line, "bad", f"{error.field.replace('_', ' ')} {error.reason}")
    except ValueError as error:
        return RowOutcome(line, "bad", str(error))


async def _import_all(
    settings: Settings,
    fmt: SourceFormat,
    rows: list[tuple[int, dict[str, str]]],
    summary: ReviewImportSummary,
    progress: Callable[[int, int], None] | None,
) -> None:
    for done, (line, row) in enumerate(rows, start=1):
        summary.outcomes.append(await _import_row(settings, fmt, line, row))
        if progress:
            progress(done, len(rows))


async def import_reviews(
    settings: Settings,
    path: Path,
    format_name: str,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReviewImportSummary:
    """Import the reviews of ``path``; a dry run reports the same outcomes and stores nothing."""
    fmt = source_format(format_name)
    rows = read_rows(path, fmt)
    summary = ReviewImportSummary(dry_run=dry_run)
    if not dry_run:
        await _import_all(settings, fmt, rows, summary, progress)
        return summary
    try:
        async with in_transaction():
            await _import_all(settings, fmt, rows, summary, progress)
            raise _RollBack
    except _RollBack:
        pass
    return summary
